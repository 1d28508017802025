import { deriveSeed, Rng } from '../world/index.js';

const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const UPPER_ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
/** Stripe's ids start with a time-derived block; this offset keeps ours five base-62 digits wide. */
const ID_EPOCH_S = 1_230_000_000;

function base62(n: number, width: number): string {
  let out = '';
  for (let i = 0; i < width; i++) {
    out = ALNUM[n % 62] + out;
    n = Math.floor(n / 62);
  }
  return out;
}

/** Deterministic Stripe-looking ids: `ch_` + 24 characters (version, time block, account tag, random), `cus_` + 14, ... */
export class StripeIds {
  private readonly rng: Rng;
  private readonly used = new Set<string>();
  /** Ten characters shared by every time-based id, as Stripe embeds the account in its ids. */
  readonly accountTag: string;

  constructor(seed: number) {
    this.rng = new Rng(deriveSeed(seed, 'stripe-ids'));
    this.accountTag = this.rng.chars(10, ALNUM);
  }

  /** The account id the served URLs refer to. */
  get accountId(): string {
    return `acct_1Nv0F${this.accountTag}`;
  }

  /** A 24-character id whose leading block grows with `createdS`, like `ch_1PgafuB7WZ01zgkWXYmPNZs8`. */
  timed(prefix: string, createdS: number): string {
    const block = `1${base62(Math.max(0, createdS - ID_EPOCH_S), 5)}${this.accountTag}`;
    return this.claim(() => `${prefix}_${block}${this.rng.chars(8, ALNUM)}`);
  }

  /** A short random id, like `cus_QXg1o8vcGmoR32` (14 characters) or `si_QXhVnC2h0Jczwc`. */
  short(prefix: string, length = 14): string {
    return this.claim(() => `${prefix}_${this.rng.chars(length, ALNUM)}`);
  }

  /** An id in the style Stripe gives coupons: eight upper-case characters. */
  coupon(): string {
    return this.claim(() => this.rng.chars(8, UPPER_ALNUM));
  }

  /** Random characters for secrets and slugs that are not ids (fingerprints, receipt links). */
  chars(length: number, alphabet = ALNUM): string {
    return this.rng.chars(length, alphabet);
  }

  private claim(make: () => string): string {
    for (;;) {
      const id = make();
      if (!this.used.has(id)) {
        this.used.add(id);
        return id;
      }
    }
  }
}
