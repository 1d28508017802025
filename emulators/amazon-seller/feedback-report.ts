import { zonedDate } from '../http/zoned-time.js';
import { isoAt } from '../world/index.js';
import { columnsOf, renderFlatFile, type Column } from './flat-file.js';
import type { FeedbackDateStyle, Marketplace } from './marketplaces.js';
import type { SellerAccount, SpFeedback } from './types.js';

/** "Contains negative and neutral feedback (one to three stars)": positive feedback is not in the report. */
export const FEEDBACK_REPORT_MAX_RATING = 3;

/** One feedback as parsed values; `date` is the marketplace's calendar day. */
export interface FeedbackRow {
  date: string;
  rating: number;
  comments: string;
  your_response: string | null;
  order_id: string;
  rater_email: string;
  /** When the buyer left it (not a column): the report's window selects on it. */
  left_at: string;
}

export const FEEDBACK_COLUMNS: readonly Column<FeedbackRow>[] = columnsOf<FeedbackRow>(['Date', 'Rating', 'Comments', 'Your Response', 'Order ID', 'Rater Email'], { Date: 'date', Rating: 'int' });

/** `2025-07-09` as the marketplace writes it: US `07/09/25`, DE `09.07.25`, UK and the rest of the EU `09/07/25`. */
export function feedbackDate(isoDate: string, style: FeedbackDateStyle): string {
  const [y, m, d] = isoDate.split('-') as [string, string, string];
  const yy = y.slice(2);
  if (style === 'MM/DD/YY') return `${m}/${d}/${yy}`;
  return style === 'DD.MM.YY' ? `${d}.${m}.${yy}` : `${d}/${m}/${yy}`;
}

export function feedbackRowOf(marketplace: Marketplace, fb: SpFeedback): FeedbackRow {
  return {
    date: zonedDate(fb.leftMs, marketplace.timeZone),
    rating: fb.rating,
    comments: fb.comments,
    your_response: fb.response,
    order_id: fb.amazonOrderId,
    rater_email: fb.raterEmail,
    left_at: isoAt(fb.leftMs),
  };
}

/** The report's rows: one-to-three-star feedback left in the window (both ends inclusive). */
export function feedbackRowsBetween(account: SellerAccount, fromMs: number, toMs: number): FeedbackRow[] {
  return account.feedback
    .filter((f) => f.rating <= FEEDBACK_REPORT_MAX_RATING && f.leftMs >= fromMs && f.leftMs <= toMs)
    .map((f) => feedbackRowOf(account.marketplace, f));
}

export function renderFeedbackReport(rows: readonly FeedbackRow[], marketplace: Marketplace): string {
  return renderFlatFile(FEEDBACK_COLUMNS, rows, { blank: '', date: (d) => feedbackDate(d, marketplace.feedbackDateStyle) });
}
