import { formatZoned, formatZonedSql, zonedDate } from '../../http/zoned-time.js';

/** How the account prints times and links: its time zone and its `https://<account>.api-us1.com` host. */
export interface AcContext {
  timeZone: string;
  /** `https://<account>.api-us1.com/api/3`, fixed so served bytes never depend on the emulator's port. */
  apiBase: string;
  /** `2025-03-04T10:12:13-06:00` in the account's zone. */
  iso(ms: number): string;
  /** `2025-03-04 10:12:13` in the account's zone. */
  sql(ms: number): string;
  /** `2025-03-04 16:12:13` in UTC. */
  sqlUtc(ms: number): string;
  /** `2025-03-04` in the account's zone. */
  date(ms: number): string;
}

/** The printing context of one account. */
export function acContext(accountName: string, timeZone: string): AcContext {
  return {
    timeZone,
    apiBase: `https://${accountName}.api-us1.com/api/3`,
    iso: (ms) => formatZoned(ms, timeZone),
    sql: (ms) => formatZonedSql(ms, timeZone),
    sqlUtc: (ms) => formatZonedSql(ms, 'UTC'),
    date: (ms) => zonedDate(ms, timeZone),
  };
}

/** Links of the form `<apiBase>/<resource>/<id>/<rel>` for each relation. */
export function linksFor(ctx: AcContext, resource: string, id: number, rels: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const rel of rels) out[rel] = `${ctx.apiBase}/${resource}/${id}/${rel}`;
  return out;
}
