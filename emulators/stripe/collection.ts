/** What every listable Stripe object has. */
export interface ListedObject {
  id: string;
  created: number;
}

/** Bounds of a `created` filter, inclusive, in unix seconds. */
export interface CreatedRange {
  min: number;
  max: number;
}

export interface PageRequest<T> {
  limit: number;
  /** Index of the `starting_after` object. */
  after: number | null;
  /** Index of the `ending_before` object. */
  before: number | null;
  created: CreatedRange;
  matches: ((item: T) => boolean) | null;
}

export interface Page {
  /** Indices into the collection, newest first. */
  indices: number[];
  hasMore: boolean;
}

/** Objects kept newest first (ties by id, descending) with an id index, so a page is a scan, never a sort. */
export class StripeCollection<T extends ListedObject> {
  items: readonly T[];
  private readonly indexById = new Map<string, number>();
  private jsonCache: (string | undefined)[];

  constructor(items: readonly T[]) {
    this.items = [...items].sort((a, b) => b.created - a.created || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
    this.items.forEach((item, i) => this.indexById.set(item.id, i));
    this.jsonCache = new Array<string | undefined>(this.items.length);
  }

  /** Changes an object in place, as an API update does; its place in list order (by created) stays. */
  update(id: string, change: (item: T) => void): T | undefined {
    const i = this.indexById.get(id);
    if (i === undefined) return undefined;
    change(this.items[i]!);
    this.jsonCache[i] = undefined;
    return this.items[i];
  }

  /** Adds a new object (created now, so it lists first). */
  insert(item: T): void {
    this.insertAll([item]);
  }

  /** Adds objects, each in its place by created. */
  insertAll(items: readonly T[]): void {
    this.items = [...items, ...this.items].sort((a, b) => b.created - a.created || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
    this.indexById.clear();
    this.items.forEach((it, i) => this.indexById.set(it.id, i));
    this.jsonCache = new Array<string | undefined>(this.items.length);
  }

  get size(): number {
    return this.items.length;
  }

  /** The position of an id in list order, or undefined. */
  indexOf(id: string): number | undefined {
    return this.indexById.get(id);
  }

  /** The object with this id, or undefined. */
  get(id: string): T | undefined {
    const i = this.indexById.get(id);
    return i === undefined ? undefined : this.items[i];
  }

  /** The object's JSON, serialized once; live keys see `livemode: true` on it and every nested object. */
  json(index: number, livemode: boolean): string {
    let text = this.jsonCache[index];
    if (text === undefined) {
      text = JSON.stringify(this.items[index]);
      this.jsonCache[index] = text;
    }
    // Only keys can contain this byte sequence: a quote inside a JSON string value is always escaped.
    return livemode ? text.replaceAll('"livemode":false', '"livemode":true') : text;
  }

  /** One page in Stripe's order, honouring cursors, the created range and a filter. */
  page(req: PageRequest<T>): Page {
    const lo = this.firstAtOrBelow(req.created.max);
    const hi = this.firstAtOrBelow(req.created.min - 1);
    const found: number[] = [];
    const want = req.limit + 1;
    if (req.before !== null) {
      for (let i = Math.min(hi, req.before) - 1; i >= lo && found.length < want; i--) {
        if (!req.matches || req.matches(this.items[i]!)) found.push(i);
      }
      const hasMore = found.length > req.limit;
      return { indices: found.slice(0, req.limit).reverse(), hasMore };
    }
    const start = req.after === null ? lo : Math.max(lo, req.after + 1);
    for (let i = start; i < hi && found.length < want; i++) {
      if (!req.matches || req.matches(this.items[i]!)) found.push(i);
    }
    return { indices: found.slice(0, req.limit), hasMore: found.length > req.limit };
  }

  /** The first index whose `created` is at most `t` (items are sorted by created, descending). */
  private firstAtOrBelow(t: number): number {
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.items[mid]!.created > t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
