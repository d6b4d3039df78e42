import { durationToMillis, type RolloutPlan } from '../../libs/plan/src/model';
import type { RefusalCode } from '../refusals';
import type { Refusal } from './actions';
import type { EngineStatus, ReviewState } from './messages';
import type { Actor } from './phase';

// Post-launch reviews (week 2, week 4, month 3): due after the end of the last phase, each completed once by a
// person; the rollout is IN_REVIEW until all are. A rollout that does not launch cancels the open ones. Pure.

const refuse = (code: RefusalCode, message: string): Refusal => ({ code, message });

export const initialReviews = (plan: RolloutPlan): ReviewState[] =>
  plan.reviews.map((r) => ({ id: r.id, title: r.title, status: 'PENDING' }));

/** Each review falls due `after` its plan says, counted from the end of the last phase (scaled). */
export function scheduleReviews(
  reviews: ReviewState[],
  plan: RolloutPlan,
  from: number,
  timeScale: number,
): void {
  for (const [i, r] of plan.reviews.entries())
    reviews[i].dueAt = from + (durationToMillis(r.after) ?? 0) * timeScale;
}

/** Why completing the review would be refused; undefined when it may go ahead (a repeat by the same person too). */
export function checkCompleteReview(
  reviews: ReviewState[],
  status: EngineStatus,
  req: { actor: Actor; reviewId: string },
  now: number,
): Refusal | undefined {
  const review = reviews.find((r) => r.id === req.reviewId);
  if (!review) return refuse('NOT_FOUND', `Review "${req.reviewId}" is not in the plan`);
  if (review.completedBy === req.actor.id) return undefined;
  if (review.completedBy)
    return refuse('CONFLICT', `Review "${req.reviewId}" was completed by ${review.completedBy}`);
  if (review.cancelledAt !== undefined)
    return refuse('CONFLICT', `Review "${req.reviewId}" was cancelled: the rollout did not launch`);
  if (status !== 'IN_REVIEW' || review.dueAt === undefined || now < review.dueAt)
    return refuse('CONFLICT', `Review "${req.reviewId}" is not due yet`);
  return undefined;
}

/** Completes it; false when it was already completed (a repeat changes nothing). */
export function completeReview(
  reviews: ReviewState[],
  req: { actor: Actor; reviewId: string; note?: string },
  now: number,
): boolean {
  const review = reviews.find((r) => r.id === req.reviewId);
  if (!review || review.completedBy) return false;
  Object.assign(review, { completedBy: req.actor.id, completedAt: now, note: req.note, status: 'COMPLETED' });
  return true;
}

/** The rollout will not launch (rolled back, aborted, cancelled): its open reviews are cancelled. */
export function cancelOpenReviews(reviews: ReviewState[], now: number): void {
  for (const r of reviews)
    if (!r.completedBy && r.cancelledAt === undefined)
      Object.assign(r, { status: 'CANCELLED', cancelledAt: now });
}

export const openReviews = (reviews: ReviewState[]): ReviewState[] =>
  reviews.filter((r) => !r.completedBy && r.cancelledAt === undefined);

/** Open reviews due by `now` whose notice has not gone out yet (they are marked DUE). */
export function newlyDue(reviews: ReviewState[], now: number): ReviewState[] {
  const due = openReviews(reviews).filter((r) => (r.dueAt ?? 0) <= now && r.status !== 'DUE');
  for (const r of due) r.status = 'DUE';
  return due;
}
