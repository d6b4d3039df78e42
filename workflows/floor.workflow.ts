import { condition, defineSignal, defineUpdate, setHandler } from '@temporalio/workflow';

// The floor for Update latency (bench/engine): an Update that does nothing on a workflow that does nothing.

export const floorUpdate = defineUpdate<number, [number]>('floorPing');
export const floorDoneSignal = defineSignal('floorDone');

/** Answers every `floorPing` at once with its argument; ends on `floorDone`. */
export async function floorWorkflow(): Promise<void> {
  let done = false;
  setHandler(floorUpdate, (n) => n);
  setHandler(floorDoneSignal, () => {
    done = true;
  });
  await condition(() => done);
}
