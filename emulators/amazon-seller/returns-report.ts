import { zonedDate } from '../http/zoned-time.js';
import { isoAt } from '../world/index.js';
import { columnsOf, dayMonthYear, renderFlatFile, type Column } from './flat-file.js';
import type { SellerAccount, SpReturn } from './types.js';

/** One row of the flat-file returns report, as parsed values: blanks are null, Y/N are booleans, amounts numbers. */
export interface ReturnRow {
  order_id: string;
  /** `YYYY-MM-DD`, the marketplace's calendar day. */
  order_date: string;
  return_request_date: string;
  return_request_status: string;
  amazon_rma_id: string;
  merchant_rma_id: string | null;
  label_type: string;
  label_cost: number;
  currency_code: string;
  return_carrier: string;
  tracking_id: string;
  label_to_be_paid_by: string;
  a_to_z_claim: boolean;
  is_prime: boolean;
  asin: string;
  merchant_sku: string;
  item_name: string;
  return_quantity: number;
  return_reason: string;
  in_policy: boolean;
  return_type: string;
  resolution: string;
  invoice_number: string | null;
  return_delivery_date: string | null;
  order_amount: number;
  order_quantity: number;
  safet_action_reason: string | null;
  safet_claim_id: string | null;
  safet_claim_state: string | null;
  safet_claim_creation_time: string | null;
  safet_claim_reimbursement_amount: number | null;
  refunded_amount: number | null;
  category: string;
  /** When the buyer asked (not a column): the report's window selects on it. */
  requested_at: string;
}

/** The report's columns in Amazon's order and spelling; each row member is its header in snake case. */
export const RETURN_COLUMNS: readonly Column<ReturnRow>[] = columnsOf<ReturnRow>(
  [
    'Order ID', 'Order date', 'Return request date', 'Return request status', 'Amazon RMA ID', 'Merchant RMA ID', 'Label type', 'Label cost',
    'Currency code', 'Return carrier', 'Tracking ID', 'Label to be paid by', 'A-to-Z Claim', 'Is prime', 'ASIN', 'Merchant SKU', 'Item Name',
    'Return quantity', 'Return Reason', 'In policy', 'Return type', 'Resolution', 'Invoice number', 'Return delivery date', 'Order Amount',
    'Order quantity', 'SafeT Action reason', 'SafeT claim id', 'SafeT claim state', 'SafeT claim creation time', 'SafeT claim reimbursement amount',
    'Refunded Amount', 'Category',
  ],
  {
    'Order date': 'date', 'Return request date': 'date', 'Return delivery date': 'date', 'A-to-Z Claim': 'flag', 'Is prime': 'flag', 'In policy': 'flag',
    'Return quantity': 'int', 'Order quantity': 'int', 'Label cost': 'money', 'Order Amount': 'money', 'SafeT claim reimbursement amount': 'money', 'Refunded Amount': 'money',
  },
);

/** The report row of a return. */
export function returnRowOf(account: SellerAccount, ret: SpReturn): ReturnRow {
  const { marketplace } = account;
  const order = account.orders.find((o) => o.amazonOrderId === ret.amazonOrderId)!;
  const line = order.lines.find((l) => l.orderItemId === ret.orderItemId)!;
  const day = (ms: number): string => zonedDate(ms, marketplace.timeZone);
  return {
    order_id: order.amazonOrderId,
    order_date: day(order.purchaseMs),
    return_request_date: day(ret.requestedMs),
    return_request_status: ret.status,
    amazon_rma_id: ret.rmaId,
    merchant_rma_id: null,
    label_type: ret.labelType,
    label_cost: ret.labelCostMinor / 100,
    currency_code: marketplace.currencyCode,
    return_carrier: ret.carrier,
    tracking_id: ret.trackingId,
    label_to_be_paid_by: ret.labelPaidBy,
    a_to_z_claim: ret.aToZClaim,
    is_prime: order.isPrime,
    asin: line.asin,
    merchant_sku: line.sellerSku,
    item_name: line.title,
    return_quantity: ret.quantity,
    return_reason: ret.reason,
    in_policy: ret.inPolicy,
    return_type: 'C-Returns',
    resolution: ret.resolution,
    invoice_number: null,
    return_delivery_date: ret.deliveredMs === null ? null : day(ret.deliveredMs),
    order_amount: line.itemPriceMinor / 100,
    order_quantity: line.quantityOrdered,
    safet_action_reason: null,
    safet_claim_id: null,
    safet_claim_state: null,
    safet_claim_creation_time: null,
    safet_claim_reimbursement_amount: null,
    refunded_amount: ret.refundedMinor === null ? null : ret.refundedMinor / 100,
    category: line.category,
    requested_at: isoAt(ret.requestedMs),
  };
}

/** The report's rows for returns requested in the window (both ends inclusive). */
export function returnRowsBetween(account: SellerAccount, fromMs: number, toMs: number): ReturnRow[] {
  return account.returns.filter((r) => r.requestedMs >= fromMs && r.requestedMs <= toMs).map((r) => returnRowOf(account, r));
}

/** The flat file: dates as `10-Jul-2025`, blanks as a single space, as Amazon writes them. */
export function renderReturnsReport(rows: readonly ReturnRow[]): string {
  return renderFlatFile(RETURN_COLUMNS, rows, { blank: ' ', date: dayMonthYear });
}
