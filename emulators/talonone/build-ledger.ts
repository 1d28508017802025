import { DAY_MS, type Rng } from '../world/index.js';
import { discountSumMinor, keptValueMinor, type ProfileDraft, type SessionDraft } from './drafts.js';
import { pointsExpiry, pointsStart } from './loyalty-dates.js';
import { ledgerBalance, replayLedger, type LedgerEntry } from './loyalty-ledger.js';
import type { LedgerTx, TxStart } from './types.js';

const HOUR_MS = 3_600_000;
const POINTS = 100;
/** Partner points live in their own subledger beside the main one. */
export const PARTNER_SUBLEDGER = 'partner';
export const LOYALTY_REDEMPTION_LABEL = 'Loyalty points';
export const MANUAL_USER = { userId: 7, userEmail: 'ops@cdp-demo.example' } as const;

/** How a program's campaign awards purchase points, and whether the account shows the other kinds of points. */
export interface EarnRules {
  pending: string;
  validity: string;
  welcomeBonusPoints: number | null;
  /** Redemptions, partner subledger, review bonuses, happy hours, manual additions and deductions. */
  extras: boolean;
}

/** Cases forced onto the first eligible profiles so a tiny account still shows each of them. */
export interface ForcedLedgerCases {
  negative: number;
  partnerExpiringSoon: number;
  pendingAtAnchor: number;
  onAction: number;
  flash: number;
  manualAddition: number;
}

export interface LedgerContext {
  timeZone: string;
  anchorMs: number;
  rules: EarnRules;
  forced: ForcedLedgerCases;
}

/** A transaction before ids are given out; `seq` keeps the order of creation among same-instant entries. */
export interface TxDraft extends Omit<LedgerTx, 'id' | 'transactionUUID' | 'programId' | 'customerProfileId' | 'rollbackOf' | 'amountHundredths'> {
  seq: number;
  amount: number;
  rollbackOf?: TxDraft;
  campaign: boolean;
}

const take = (forced: ForcedLedgerCases, key: keyof ForcedLedgerCases): boolean => (forced[key] > 0 ? (forced[key]--, true) : false);
const wholeSeconds = (ms: number): number => Math.floor(ms / 1000) * 1000;

/** Drafts in ledger order with positions for ids, ready to replay. */
export function draftEntries(drafts: readonly TxDraft[]): { ordered: TxDraft[]; entries: LedgerEntry[] } {
  const ordered = [...drafts].sort((a, b) => a.createdMs - b.createdMs || a.seq - b.seq);
  const position = new Map(ordered.map((d, i) => [d, i] as const));
  const entries = ordered.map((d, id): LedgerEntry => {
    if (d.type === 'subtraction') return { kind: 'subtraction', id, amount: d.amount, createdMs: d.createdMs, ...(d.rollbackOf ? { rollbackOf: position.get(d.rollbackOf)! } : {}) };
    const startMs = d.start.kind === 'immediate' ? d.createdMs : d.start.kind === 'at' ? d.start.ms : null;
    return { kind: 'addition', id, amount: d.amount, createdMs: d.createdMs, startMs, expiryMs: d.expiryMs };
  });
  return { ordered, entries };
}

/** Builds one profile's transactions in a program, adding loyalty redemptions to the sessions that paid with points. */
export class ProfileLedgerBuilder {
  readonly drafts: TxDraft[] = [];
  private eligibleForNegative = false;

  constructor(
    private readonly ctx: LedgerContext,
    private readonly rng: Rng,
  ) {}

  /** Adds points by a rule text pair, as Talon.One computes start and expiry in the program's time zone. */
  add(atMs: number, points: number, name: string, pending: string, validity: string, extra: Partial<TxDraft> = {}): TxDraft {
    // Rules count from the instant as printed, in whole seconds.
    const createdMs = wholeSeconds(atMs);
    const start: TxStart = pointsStart(pending, createdMs, this.ctx.timeZone);
    const startMs = start.kind === 'at' ? start.ms : createdMs;
    const onAction = start.kind === 'on_action';
    return this.push({
      createdMs, type: 'addition', amount: Math.round(points * POINTS), name, start, subledgerId: '', source: 'session', campaign: true,
      expiryMs: onAction ? null : pointsExpiry(validity, startMs, this.ctx.timeZone),
      ...(onAction && validity !== 'unlimited' ? { validityDuration: validity } : {}),
      ...extra,
    });
  }

  subtract(createdMs: number, hundredths: number, name: string, extra: Partial<TxDraft> = {}): TxDraft {
    return this.push({ createdMs, type: 'subtraction', amount: hundredths, name, start: { kind: 'immediate' }, expiryMs: null, subledgerId: '', source: 'session', campaign: true, ...extra });
  }

  /** Points on the main ledger (or a subledger) at an instant, from what is drafted so far. */
  balanceAt(atMs: number, subledgerId = ''): ReturnType<typeof ledgerBalance> {
    return ledgerBalance(draftEntries(this.drafts.filter((d) => d.subledgerId === subledgerId)).entries, atMs);
  }

  /** Marks the subtractions that spent more than the ledger held. */
  private markNegativeBalances(): void {
    for (const subledgerId of new Set(this.drafts.map((d) => d.subledgerId))) {
      const { ordered, entries } = draftEntries(this.drafts.filter((d) => d.subledgerId === subledgerId));
      for (const id of replayLedger(entries, Infinity).negativeBy) ordered[id]!.createsNegativeBalance = true;
    }
  }

  private push(draft: Omit<TxDraft, 'seq'>): TxDraft {
    const d = { ...draft, createdMs: wholeSeconds(draft.createdMs), seq: this.drafts.length };
    this.drafts.push(d);
    return d;
  }

  /** Awards, redemptions and rollbacks of one session. */
  session(session: SessionDraft, firstClosed: boolean): void {
    const { rules } = this.ctx;
    if (session.closedMs === null) return;
    const at = session.closedMs;
    const ref = { customerSessionId: session.integrationId };
    if (rules.extras && this.rng.chance(0.2)) {
      const active = this.balanceAt(at).activePoints / POINTS;
      const payable = session.totalMinor - discountSumMinor(session.discountsMinor);
      // One point takes one cent off.
      const redeem = Math.min(payable, [1000, 500, 250].find((p) => p <= active) ?? 0);
      if (redeem > 0) {
        session.discountsMinor[LOYALTY_REDEMPTION_LABEL] = redeem;
        this.subtract(at, redeem * POINTS, 'Redeem points for a discount', ref);
      }
    }
    if (firstClosed && rules.welcomeBonusPoints !== null) this.add(at, rules.welcomeBonusPoints, 'Welcome bonus', 'immediate', 'unlimited', ref);
    const paidMinor = Math.max(0, session.totalMinor - discountSumMinor(session.discountsMinor));
    if (paidMinor === 0) return;
    const award = this.add(at, paidMinor / 100, 'Reward 1 point per $1 spent', rules.pending, rules.validity, ref);
    if (rules.extras && (take(this.ctx.forced, 'flash') || this.rng.chance(0.06))) this.add(at, 25, 'Happy hour bonus', '30m', '48h', ref);
    if (session.returnMs !== null) {
      const returnedMinor = session.totalMinor - keptValueMinor(session.items);
      this.subtract(session.returnMs, Math.round((returnedMinor * award.amount) / session.totalMinor), 'Return: points of returned items', { ...ref, rollbackOf: award });
    }
    if (session.cancelMs !== null) this.subtract(session.cancelMs, award.amount, 'Session cancelled: points rolled back', { ...ref, rollbackOf: award });
  }

  /** Partner points, review bonuses and manual changes, spread between the first order and the anchor. */
  extras(profile: ProfileDraft): void {
    const { anchorMs, forced } = this.ctx;
    const rng = this.rng;
    const fromMs = profile.sessions.find((s) => s.closedMs !== null)?.closedMs ?? null;
    if (!this.ctx.rules.extras || fromMs === null || fromMs > anchorMs - 21 * DAY_MS) return;
    const between = (lo: number, hi = anchorMs - HOUR_MS): number => lo + Math.floor(rng.next() * (hi - lo));
    const manual = { source: 'manual' as const, campaign: false, ...MANUAL_USER };

    if (take(forced, 'partnerExpiringSoon')) this.add(anchorMs - rng.int(8, 12) * DAY_MS, rng.int(20, 80), 'Partner: coffee club points', 'immediate', '4W_U', { subledgerId: PARTNER_SUBLEDGER, campaign: false });
    else if (rng.chance(0.18)) {
      for (let i = rng.int(1, 3); i > 0; i--) this.add(between(fromMs), rng.int(20, 80), 'Partner: coffee club points', 'immediate', '4W_U', { subledgerId: PARTNER_SUBLEDGER, campaign: false });
    }
    if (take(forced, 'onAction') || rng.chance(0.1)) this.add(between(fromMs), 100, 'Review bonus (activates when the review is published)', 'on_action', '30D');
    if (take(forced, 'manualAddition') || rng.chance(0.06)) this.add(between(fromMs), rng.pick([100, 250]), 'Goodwill: delayed delivery', 'immediate', rng.pick(['unlimited', '90D_U', '6M']), manual);
    if (take(forced, 'pendingAtAnchor')) this.add(anchorMs - 2 * DAY_MS, 150, 'Goodwill: points for your next order', '7D_D', '6M', manual);
    if (rng.chance(0.03)) this.subtract(between(fromMs), rng.int(30, 300) * POINTS, 'Correction: points awarded twice', manual);
    this.eligibleForNegative = true;
  }

  /** After the sessions: a forced deduction larger than the ledger will ever hold, so it ends with negative points. */
  finish(): void {
    if (this.eligibleForNegative && take(this.ctx.forced, 'negative')) {
      const at = this.ctx.anchorMs - HOUR_MS;
      const held = this.balanceAt(at);
      this.subtract(at, held.activePoints + held.pendingPoints + 120 * POINTS, 'Correction: manual adjustment after chargeback', { source: 'manual', campaign: false, ...MANUAL_USER });
    }
    this.markNegativeBalances();
  }
}
