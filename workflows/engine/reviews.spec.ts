import type { RolloutPlan } from '../../libs/plan/src/model';
import { DAY } from './engine.fixtures';
import type { Actor } from './phase';
import {
  cancelOpenReviews,
  checkCompleteReview,
  completeReview,
  initialReviews,
  newlyDue,
  openReviews,
  scheduleReviews,
} from './reviews';

const rita: Actor = { id: 'rita', roles: ['release-manager'] };
const t0 = Date.UTC(2026, 10, 1);
const plan = {
  reviews: [
    { id: 'week-2', title: 'Week 2 review', after: 'P2W' },
    { id: 'month-3', title: 'Month 3 review', after: 'P3M' },
  ],
} as unknown as RolloutPlan;

function scheduled() {
  const reviews = initialReviews(plan);
  scheduleReviews(reviews, plan, t0, 1);
  return reviews;
}

describe('post-launch reviews', () => {
  test('fall due after the end of the last phase, scaled', () => {
    const reviews = initialReviews(plan);
    expect(reviews.map((r) => r.status)).toEqual(['PENDING', 'PENDING']);
    scheduleReviews(reviews, plan, t0, 0.5);
    expect(reviews[0].dueAt).toBe(t0 + 7 * DAY);
  });

  test('are announced once each, as they fall due', () => {
    const reviews = scheduled();
    expect(newlyDue(reviews, t0 + 14 * DAY - 1)).toEqual([]);
    expect(newlyDue(reviews, t0 + 14 * DAY).map((r) => r.id)).toEqual(['week-2']);
    expect(newlyDue(reviews, t0 + 15 * DAY)).toEqual([]);
    expect(reviews[0].status).toBe('DUE');
  });

  test('are completed once due, by one person; a repeat by them is accepted and changes nothing', () => {
    const reviews = scheduled();
    const req = { actor: rita, reviewId: 'week-2', note: 'ok' };
    expect(checkCompleteReview(reviews, 'IN_REVIEW', req, t0 + DAY)?.message).toBe(
      'Review "week-2" is not due yet',
    );
    expect(checkCompleteReview(reviews, 'RUNNING', req, t0 + 20 * DAY)?.code).toBe('CONFLICT');
    expect(checkCompleteReview(reviews, 'IN_REVIEW', { ...req, reviewId: 'x' }, t0)?.code).toBe('NOT_FOUND');
    expect(checkCompleteReview(reviews, 'IN_REVIEW', req, t0 + 14 * DAY)).toBeUndefined();
    expect(completeReview(reviews, req, t0 + 14 * DAY)).toBe(true);
    expect(reviews[0]).toMatchObject({ status: 'COMPLETED', completedBy: 'rita', note: 'ok' });
    expect(checkCompleteReview(reviews, 'IN_REVIEW', req, t0 + 15 * DAY)).toBeUndefined();
    expect(completeReview(reviews, req, t0 + 15 * DAY)).toBe(false);
    const other = { actor: { id: 'otto', roles: [] }, reviewId: 'week-2' };
    expect(checkCompleteReview(reviews, 'IN_REVIEW', other, t0 + 15 * DAY)?.message).toBe(
      'Review "week-2" was completed by rita',
    );
    expect(openReviews(reviews).map((r) => r.id)).toEqual(['month-3']);
  });

  test('of a rollout that did not launch are cancelled, completed ones kept', () => {
    const reviews = scheduled();
    completeReview(reviews, { actor: rita, reviewId: 'week-2' }, t0 + 14 * DAY);
    cancelOpenReviews(reviews, t0 + 20 * DAY);
    expect(reviews.map((r) => [r.id, r.status, r.cancelledAt])).toEqual([
      ['week-2', 'COMPLETED', undefined],
      ['month-3', 'CANCELLED', t0 + 20 * DAY],
    ]);
    expect(openReviews(reviews)).toEqual([]);
    const refused = checkCompleteReview(
      reviews,
      'IN_REVIEW',
      { actor: rita, reviewId: 'month-3' },
      t0 + 200 * DAY,
    );
    expect(refused?.message).toBe('Review "month-3" was cancelled: the rollout did not launch');
  });
});
