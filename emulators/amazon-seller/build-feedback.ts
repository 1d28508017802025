import { DAY_MS, deriveSeed, Rng, type World } from '../world/index.js';
import type { SpFeedback, SpOrder } from './types.js';

const HOUR_MS = 3_600_000;
/** Share of shipped orders whose buyer rates the seller. */
const FEEDBACK_CHANCE = 0.18;
const RATING_WEIGHTS = { 5: 64, 4: 18, 3: 6, 2: 4, 1: 8 } as const;
/** Ratings forced onto the first feedback, so a tiny world still has rows in the (one-to-three-star) report. */
const FORCED_RATINGS: readonly SpFeedback['rating'][] = [2, 1, 3];

const COMMENTS: Readonly<Record<SpFeedback['rating'], readonly string[]>> = {
  5: ['Fast shipping and exactly as described.', 'Great seller, would buy again.', 'Arrived early and well packed.', 'Excellent quality, thank you!', 'Smooth transaction, highly recommended.'],
  4: ['Good product, shipping took a little longer than expected.', 'As described. Packaging could be better.', 'Happy with the purchase overall.'],
  3: ['Item is okay but not quite what I expected.', 'Took over a week to arrive.', 'Average experience.'],
  2: ['Box was damaged on arrival.', 'Slow to answer my questions.', 'Item did not match the photos.'],
  1: ['Never received a reply about my return.', 'Wrong item sent and no refund yet.', 'Arrived broken. Very disappointed.'],
};
const RESPONSES: readonly string[] = [
  'We are sorry to hear this. Please contact us through Buyer-Seller Messaging and we will make it right.',
  'Thank you for your feedback. A replacement has been sent.',
  'We apologize for the delay and have issued a full refund.',
];

/** The seller's response to a feedback, written in Seller Central; most low ratings get one. */
export function responseFor(rating: SpFeedback['rating'], rng: Rng): string | null {
  return rng.chance(rating <= 3 ? 0.5 : 0.05) ? rng.pick(RESPONSES) : null;
}

/** Comments a buyer might write for a rating. */
export function commentFor(rating: SpFeedback['rating'], rng: Rng): string {
  return rng.pick(COMMENTS[rating]);
}

/** Seller feedback: some buyers rate the seller days after the order shipped, mostly four or five stars. */
export function buildFeedback(world: World, orders: readonly SpOrder[]): SpFeedback[] {
  const anchorMs = Date.parse(world.anchor);
  const forced = [...FORCED_RATINGS];
  const feedback: SpFeedback[] = [];
  for (const order of orders) {
    if (!order.lines.some((l) => l.quantityShipped > 0) || order.salesChannel === 'Non-Amazon') continue;
    const rng = new Rng(deriveSeed(world.seed, `amazon-sp-feedback:${order.amazonOrderId}`));
    if (!rng.chance(FEEDBACK_CHANCE)) continue;
    const leftMs = order.lastUpdateMs + rng.int(2, 30) * DAY_MS + rng.int(0, 86_399) * 1000;
    if (leftMs > anchorMs - HOUR_MS) continue;
    const rating = forced.shift() ?? (Number(rng.weighted(RATING_WEIGHTS)) as SpFeedback['rating']);
    const response = feedback.length === 0 ? RESPONSES[0]! : responseFor(rating, rng);
    feedback.push({ amazonOrderId: order.amazonOrderId, leftMs, rating, comments: commentFor(rating, rng), response, raterEmail: order.buyerEmail });
  }
  return feedback.sort((a, b) => a.leftMs - b.leftMs || a.amazonOrderId.localeCompare(b.amazonOrderId));
}
