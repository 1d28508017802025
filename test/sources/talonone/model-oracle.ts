import { buildStripeData } from '../../../emulators/stripe';
import { buildTalonOneAccount, DEFAULT_TALONONE_TIME_ZONE, EXPIRY_WINDOW_MS, replayLedger, type LedgerEntry, type TalonOneAccount } from '../../../emulators/talonone';
import { generateWorld } from '../../../emulators/world';

// What the Talon.One models must say about one generated world, computed from the objects the
// Talon.One emulator serves (not from anything the pipeline landed or built): each profile's
// figures as Talon.One's Campaign Manager shows them, and every loyalty ledger at an instant.

/** A customer profile's figures over its closed sessions (closed, and closed then partly returned). */
export interface ExpectedProfile {
  environment: 'live' | 'sandbox';
  integrationId: string;
  /** Trimmed and lower-cased; null when the profile carries none. */
  email: string | null;
  /** The profile's own `closedSessions`. */
  orders: number;
  discounted: number;
  undiscounted: number;
  /** The profile's own `totalSales`: before discounts, without returned items. */
  grossMinor: number;
  accruedDiscountsMinor: number;
  netMinor: number;
}

/** One ledger (main '' or a subledger) of a profile at an instant, in hundredths of a point. */
export interface ExpectedLedger {
  environment: 'live' | 'sandbox';
  programId: number;
  integrationId: string;
  subledgerId: string;
  active: number;
  pending: number;
  spent: number;
  expired: number;
  negative: number;
  expiring30d: number;
}

/**
 * Which addition a session's deduction takes back: the one the emulator recorded (`recorded`, not
 * served), or the one the served ledger points to, the session's latest addition before it (`served`).
 */
export type RollbackTargets = 'recorded' | 'served';

const CLOSED = new Set(['closed', 'partially_returned']);

const normalize = (email: unknown): string | null => {
  const e = typeof email === 'string' ? email.trim().toLowerCase() : '';
  return e === '' ? null : e;
};

/** The account the emulator serves for this world (same world, same builder). */
export function talonOneAccount(seed: number, scale: number, anchor: Date): TalonOneAccount {
  return buildTalonOneAccount(generateWorld({ seed, scale, anchor }), DEFAULT_TALONONE_TIME_ZONE);
}

/** Every profile's closed-session figures, per Application. */
export function expectedProfiles(account: TalonOneAccount): ExpectedProfile[] {
  return account.applications.flatMap((app) =>
    app.profiles.map((profile) => {
      const closed = app.sessions.filter((s) => s.profileId === profile.id && CLOSED.has(s.state));
      const discountOf = (discounts: Record<string, number>) => Object.values(discounts).reduce((n, v) => n + Math.round(v * 100), 0);
      const discounted = closed.filter((s) => discountOf(s.discounts) > 0).length;
      const accrued = closed.reduce((n, s) => n + discountOf(s.discounts), 0);
      const gross = Math.round(profile.totalSales * 100);
      return {
        environment: app.environment,
        integrationId: profile.integrationId,
        email: normalize(profile.attributes.Email),
        orders: profile.closedSessions,
        discounted,
        undiscounted: closed.length - discounted,
        grossMinor: gross,
        accruedDiscountsMinor: accrued,
        netMinor: gross - accrued,
      };
    }),
  );
}

/** Every ledger of every profile with a loyalty entry, replayed by the emulator's own ledger rules at `asOfMs`. */
export function expectedLedgers(account: TalonOneAccount, asOfMs: number, targets: RollbackTargets): ExpectedLedger[] {
  const out: ExpectedLedger[] = [];
  for (const { program, transactions } of account.programs) {
    const environment = account.applications.find((a) => program.subscribedApplications.includes(a.application.id))!.environment;
    const ledgers = new Map<string, typeof transactions>();
    for (const tx of transactions) {
      ledgers.set(`${tx.customerProfileId}\u0000`, ledgers.get(`${tx.customerProfileId}\u0000`) ?? []);
      const key = `${tx.customerProfileId}\u0000${tx.subledgerId}`;
      ledgers.set(key, [...(ledgers.get(key) ?? []), tx]);
    }
    for (const [key, txs] of ledgers) {
      const [integrationId, subledgerId] = key.split('\u0000') as [string, string];
      const entries = txs.map((tx): LedgerEntry => {
        if (tx.type === 'addition') {
          const startMs = tx.start.kind === 'immediate' ? tx.createdMs : tx.start.kind === 'at' ? tx.start.ms : null;
          return { kind: 'addition', id: tx.id, amount: tx.amountHundredths, createdMs: tx.createdMs, startMs, expiryMs: tx.expiryMs };
        }
        const served = txs.filter((a) => a.type === 'addition' && tx.customerSessionId !== undefined && a.customerSessionId === tx.customerSessionId && a.id < tx.id).at(-1)?.id;
        const rollbackOf = targets === 'recorded' ? tx.rollbackOf : served;
        return { kind: 'subtraction', id: tx.id, amount: tx.amountHundredths, createdMs: tx.createdMs, ...(rollbackOf === undefined ? {} : { rollbackOf }) };
      });
      const { balance, open } = replayLedger(entries, asOfMs);
      const expiring30d = open
        .filter((l) => l.status === 'active' && l.expiryMs !== null && l.expiryMs > asOfMs && l.expiryMs <= asOfMs + EXPIRY_WINDOW_MS)
        .reduce((n, l) => n + l.remaining, 0);
      out.push({
        environment,
        programId: program.id,
        integrationId,
        subledgerId,
        active: balance.activePoints,
        pending: balance.pendingPoints,
        spent: balance.spentPoints,
        expired: balance.expiredPoints,
        negative: balance.negativePoints,
        expiring30d,
      });
    }
  }
  return out;
}

/**
 * Ledgers (`programId|integrationId|subledgerId`) where the served entries leave a rollback open to
 * reading: a session's deduction after more than one addition of that session.
 */
export function ambiguousRollbackLedgers(account: TalonOneAccount): Set<string> {
  const out = new Set<string>();
  for (const { program, transactions } of account.programs) {
    for (const tx of transactions) {
      if (tx.type !== 'subtraction' || tx.customerSessionId === undefined) continue;
      const earlier = transactions.filter(
        (a) => a.type === 'addition' && a.customerSessionId === tx.customerSessionId && a.customerProfileId === tx.customerProfileId && a.subledgerId === tx.subledgerId && a.id < tx.id,
      );
      if (earlier.length > 1) out.add(`${program.id}|${tx.customerProfileId}|${tx.subledgerId}`);
    }
  }
  return out;
}

/** Normalized emails Stripe knows people by in the same world: customers and guest payers. */
export function stripeEmails(seed: number, scale: number, anchor: Date): Set<string> {
  const stripe = buildStripeData(generateWorld({ seed, scale, anchor }));
  const emails = [...stripe.customers.map((c) => normalize(c.email)), ...stripe.charges.filter((c) => !c.customer).map((c) => normalize(c.billing_details.email))];
  return new Set(emails.filter((e): e is string => e !== null));
}
