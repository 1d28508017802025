import { formatZoned } from '../http/zoned-time.js';
import { isoAt } from '../world/index.js';
import { ledgerBalance, type LedgerBalance, type LedgerEntry } from './loyalty-ledger.js';
import type { LedgerTx, ProgramState } from './types.js';

/** `LoyaltyBalance`: the five totals in points. */
export type BalanceView = LedgerBalance;
/** `LoyaltyBalancesWithTiers` without tiers (the programs have none). */
export interface BalancesView {
  balance: BalanceView;
  subledgerBalances: Record<string, BalanceView>;
}

/** Start and expiry as Talon.One prints them: keywords, or the instant in the program's time zone. */
function startText(tx: LedgerTx, timeZone: string): string {
  return tx.start.kind === 'at' ? formatZoned(tx.start.ms, timeZone) : tx.start.kind;
}
function expiryText(tx: LedgerTx, timeZone: string): string {
  return tx.expiryMs === null ? 'unlimited' : formatZoned(tx.expiryMs, timeZone);
}

/** The fields both transaction lists share. */
function common(tx: LedgerTx, timeZone: string) {
  return {
    startDate: startText(tx, timeZone),
    expiryDate: expiryText(tx, timeZone),
    subledgerId: tx.subledgerId,
    amount: tx.amountHundredths / 100,
    ...(tx.customerSessionId === undefined ? {} : { customerSessionId: tx.customerSessionId }),
    ...(tx.rulesetId === undefined ? {} : { rulesetId: tx.rulesetId, ruleName: tx.ruleName }),
    flags: { createsNegativeBalance: tx.createsNegativeBalance === true },
    ...(tx.validityDuration === undefined ? {} : { validityDuration: tx.validityDuration }),
  };
}

/** `LoyaltyProgramTransaction`, as GET /v1/loyalty_programs/{id}/transactions lists it. */
export function programTransactionView(tx: LedgerTx, timeZone: string): Record<string, unknown> {
  return {
    id: tx.id,
    transactionUUID: tx.transactionUUID,
    programId: tx.programId,
    ...(tx.campaignId === undefined ? {} : { campaignId: tx.campaignId }),
    created: isoAt(tx.createdMs),
    type: tx.type,
    name: tx.name,
    customerProfileId: tx.customerProfileId,
    ...(tx.userId === undefined ? {} : { userId: tx.userId, userEmail: tx.userEmail }),
    ...common(tx, timeZone),
  };
}

/** `LedgerTransactionLogEntryIntegrationAPI`, as a profile's ledger_transactions lists it. */
export function profileTransactionView(tx: LedgerTx, timeZone: string): Record<string, unknown> {
  return { id: tx.id, transactionUUID: tx.transactionUUID, created: isoAt(tx.createdMs), programId: tx.programId, type: tx.type, name: tx.name, ...common(tx, timeZone) };
}

/** A transaction as a ledger entry to replay. */
export function entryOf(tx: LedgerTx): LedgerEntry {
  if (tx.type === 'subtraction') return { kind: 'subtraction', id: tx.id, amount: tx.amountHundredths, createdMs: tx.createdMs, ...(tx.rollbackOf === undefined ? {} : { rollbackOf: tx.rollbackOf }) };
  const startMs = tx.start.kind === 'immediate' ? tx.createdMs : tx.start.kind === 'at' ? tx.start.ms : null;
  return { kind: 'addition', id: tx.id, amount: tx.amountHundredths, createdMs: tx.createdMs, startMs, expiryMs: tx.expiryMs };
}

/** A profile's transactions in a program, by subledger ('' is the main ledger). */
export function ledgersOf(program: ProgramState, integrationId: string): Map<string, LedgerTx[]> {
  const out = new Map<string, LedgerTx[]>([['', []]]);
  for (const tx of program.transactions) {
    if (tx.customerProfileId !== integrationId) continue;
    const list = out.get(tx.subledgerId) ?? [];
    list.push(tx);
    out.set(tx.subledgerId, list);
  }
  return out;
}

const inPoints = (b: LedgerBalance): BalanceView => ({
  activePoints: b.activePoints / 100,
  pendingPoints: b.pendingPoints / 100,
  spentPoints: b.spentPoints / 100,
  expiredPoints: b.expiredPoints / 100,
  negativePoints: b.negativePoints / 100,
});

/** Balances at `asOfMs` of the main ledger and every subledger (or just `subledgerId`, when given). */
export function balancesView(ledgers: ReadonlyMap<string, readonly LedgerTx[]>, asOfMs: number, subledgerId?: string): BalancesView {
  const of = (id: string): BalanceView => inPoints(ledgerBalance((ledgers.get(id) ?? []).map(entryOf), asOfMs));
  const subledgers = [...ledgers.keys()].filter((id) => id !== '' && (subledgerId === undefined || id === subledgerId)).sort();
  return { balance: of(''), subledgerBalances: Object.fromEntries(subledgers.map((id) => [id, of(id)])) };
}
