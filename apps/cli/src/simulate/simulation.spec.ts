import { msNumberToTs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { outstanding } from './simulation';

const { EventType: E } = temporal.api.enums.v1;
type Event = temporal.api.history.v1.IHistoryEvent;

const at = (ms: number) => msNumberToTs(ms);
const started = (id: string, ms: number, fireInMs: number): Event => ({
  eventType: E.EVENT_TYPE_TIMER_STARTED,
  eventTime: at(ms),
  timerStartedEventAttributes: { timerId: id, startToFireTimeout: at(fireInMs) },
});

describe('outstanding (what the simulation driver waits for before it acts)', () => {
  it('names when each timer that has neither fired nor been cancelled fires, earliest first', () => {
    const events: Event[] = [
      started('1', 1_000, 86_400_000),
      started('2', 2_500, 60_000),
      started('3', 3_000, 5_000),
      { eventType: E.EVENT_TYPE_TIMER_FIRED, timerFiredEventAttributes: { timerId: '3' } },
    ];
    expect(outstanding(events)).toEqual({
      work: undefined,
      runningChildren: [],
      timers: [62_500, 86_401_000],
    });
  });

  it('forgets a cancelled timer, and every timer of a run that has closed', () => {
    expect(
      outstanding([
        started('1', 0, 1_000),
        { eventType: E.EVENT_TYPE_TIMER_CANCELED, timerCanceledEventAttributes: { timerId: '1' } },
      ]).timers,
    ).toEqual([]);
    expect(
      outstanding([started('1', 0, 1_000), { eventType: E.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED }]).timers,
    ).toEqual([]);
  });

  it('still reports a workflow task under way before timers', () => {
    const found = outstanding([started('1', 0, 1_000), { eventType: E.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED }]);
    expect(found.work).toBe('has a workflow task');
    expect(found.timers).toEqual([1_000]);
  });
});
