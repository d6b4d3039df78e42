import { proxyActivities } from '@temporalio/workflow';
import type { RolloutActivities } from '../activities';
import type { Guardrail } from '../libs/plan/src/model';
import type { GuardrailOptions } from './engine/guardrails';
import type { MetricsSettings, PhaseInput } from './engine/messages';
import { readSimulated, simulatedSource, type SimulatedSource } from './engine/metric-source';
import type { Sample } from './engine/samples';
import { watchedMetrics, windowsOf } from './engine/watch';

// Where a phase's guardrail readings come from when they are not pushed: Prometheus, queried every cadence,
// or a scenario's simulated timelines, read only when a value changes or a window closes. The phase hands
// what is read to the watch (engine/watch.ts), which judges pushed, polled and simulated readings alike.

const { queryMetric } = proxyActivities<RolloutActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 3 },
  summary: 'Metric reading',
});

export class PhaseReadings {
  private readonly simulated?: SimulatedSource;
  /** When Prometheus is next queried; undefined when the phase does not poll. */
  private nextPoll?: number;
  /** When the simulated timelines are next read; undefined when nothing changes any more. */
  private nextReading?: number;
  private windowEnds: number[];
  private lastSimulatedReading?: number;

  constructor(
    input: PhaseInput,
    private readonly guardrails: Guardrail[],
    private readonly metrics: MetricsSettings,
    enteredAt: number,
    /** Whether the phase polls Prometheus itself (runs before the metric watcher); false with a watcher. */
    polls = true,
  ) {
    const { scenario } = metrics;
    if (metrics.source === 'simulated' && scenario && guardrails.length) {
      const startedAt = input.rolloutStartedAt ?? enteredAt;
      this.simulated = simulatedSource(scenario.timelines, startedAt, scenario.defaults);
      this.nextReading = Date.now();
    }
    this.windowEnds = input.carried?.windowEnds ?? [];
    this.lastSimulatedReading = input.carried?.lastSimulatedReading;
    if (metrics.source === 'prometheus' && guardrails.length && polls) this.nextPoll = Date.now();
  }

  /** How a guardrail evaluates these readings (a simulated value holds until it changes). */
  get evaluation(): GuardrailOptions {
    return {
      cadenceMs: this.metrics.cadenceMs,
      missingData: this.metrics.missingData,
      // Read only at changes and window ends, so an aggregate weights each reading by how long it held.
      ...(this.simulated ? { maxGapMs: Infinity, timeWeighted: true } : {}),
    };
  }

  /** The next moment to read at, if any. */
  get next(): number | undefined {
    const next = Math.min(this.nextPoll ?? Infinity, this.nextReading ?? Infinity);
    return Number.isFinite(next) ? next : undefined;
  }

  /** "Guardrails: next simulated reading in Pilot": the summary of the timer that waits for `next`. */
  summary(phaseName: string): string {
    return `Guardrails: next ${this.simulated ? 'simulated ' : ''}reading in ${phaseName}`;
  }

  /** What continue-as-new carries into the next run. */
  get carried(): { windowEnds: number[]; lastSimulatedReading?: number } {
    return { windowEnds: this.windowEnds, lastSimulatedReading: this.lastSimulatedReading };
  }

  /** Takes the readings that have come due (a Prometheus query, the simulated timelines) and observes them. */
  async takeDue(observe: (readings: Sample[]) => void): Promise<void> {
    if (this.nextPoll !== undefined && Date.now() >= this.nextPoll) {
      const at = Date.now();
      const readings = await Promise.all(
        watchedMetrics(this.guardrails).map(async (metric) => ({
          metric,
          // A source that cannot answer is missing data, which the guardrail's missing-data rule decides.
          value: await queryMetric({ query: metric, at: new Date(at).toISOString() }).then(
            (r) => r.value,
            () => null,
          ),
          at,
        })),
      );
      observe(readings);
      this.nextPoll = at + this.metrics.cadenceMs;
    }
    if (this.simulated && this.nextReading !== undefined && Date.now() >= this.nextReading) {
      const reading = readSimulated(this.simulated, watchedMetrics(this.guardrails), Date.now(), {
        windowEnds: this.windowEnds,
        windows: windowsOf(this.guardrails),
        lastAt: this.lastSimulatedReading,
      });
      this.lastSimulatedReading = Date.now();
      observe(reading.readings);
      this.windowEnds = reading.windowEnds;
      this.nextReading = reading.next ?? undefined;
    }
  }
}
