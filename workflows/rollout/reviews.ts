import { condition } from '@temporalio/workflow';
import { humanDuration } from '../engine/durations';
import type { EngineStatus } from '../engine/messages';
import { newlyDue, openReviews, scheduleReviews } from '../engine/reviews';
import { forward, type EffectsContext } from './effects';

// The post-launch reviews as the rollout waits for them: due after the end of the last phase, announced on
// the `reviews` channel once due, the rollout IN_REVIEW until all are completed (or it is interrupted). The
// rules are engine/reviews.ts (pure, with its spec); this is only their timing.

export interface ReviewsRun {
  from: number;
  timeScale: number;
  interrupted(): boolean;
  /** Accepted actions whose audit entry is still being written: what follows waits for them. */
  auditing(): number;
  transition(status: EngineStatus, what: string): Promise<void>;
}

export async function runReviews(ctx: EffectsContext, run: ReviewsRun): Promise<void> {
  const { plan, state, rolloutId, wfId } = ctx;
  if (!plan.reviews.length) return;
  scheduleReviews(state.reviews, plan, run.from, run.timeScale);
  state.currentPhaseId = undefined;
  await run.transition('IN_REVIEW', `post-launch reviews scheduled (${plan.reviews.length})`);
  for (;;) {
    const open = openReviews(state.reviews);
    if (!open.length || run.interrupted()) {
      if (run.auditing()) await condition(() => run.auditing() === 0);
      return;
    }
    const now = Date.now();
    for (const r of newlyDue(open, now)) {
      await forward.notify({
        rolloutId,
        channel: 'reviews',
        message: `Review due: ${r.title}`,
        kind: 'review.due',
        details: { reviewId: r.id },
        idempotencyKey: `${wfId}/review-${r.id}`,
      });
    }
    const next = Math.min(...open.map((r) => r.dueAt ?? now).filter((d) => d > now));
    const done = () => run.interrupted() || state.reviews.every((r) => r.completedBy) || Date.now() >= next;
    const count = state.reviews.filter((r) => r.completedBy).length;
    const progress = () => state.reviews.filter((r) => r.completedBy).length !== count;
    // `done` also covers the last reviews being completed while the due notices went out (count and
    // `open` may already include them): waiting only on `progress` then waited forever.
    if (Number.isFinite(next)) {
      const review = open.find((r) => r.dueAt === next);
      await condition(() => done() || progress(), next - now, {
        summary: `Review: ${review?.title ?? ''}, due in ${humanDuration(next - now)}`,
      });
    } else await condition(() => done() || progress());
  }
}
