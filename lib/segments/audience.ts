import { z } from 'zod';
import { writeCsv } from '../csv';

// Segment members as the files people hand to ad platforms and email tools.

export const EXPORT_FORMATS = ['basic', 'extended', 'facebook', 'email'] as const;
export const exportFormatSchema = z.enum(EXPORT_FORMATS);
export type ExportFormat = z.infer<typeof exportFormatSchema>;

export type MemberRow = Record<string, unknown>;

const text = (v: unknown): string => (v === null || v === undefined ? '' : v instanceof Date ? v.toISOString() : Array.isArray(v) ? v.join(';') : String(v));

/** Meta's customer-list rules: lower case, no punctuation or symbols; letters of any script stay. */
export function metaName(v: unknown): string {
  return text(v).toLowerCase().replace(/[\p{P}\p{S}]/gu, '').replace(/\s+/g, ' ').trim();
}

/** Digits only, with the country code and without leading zeros (`+44 (0)20...` stays as typed after the code). */
export function metaPhone(v: unknown): string {
  return text(v).replace(/\D/g, '').replace(/^0+/, '');
}

/** Lower case without spaces or dashes; a US code keeps its first 5 digits. */
export function metaZip(v: unknown, country: unknown): string {
  const zip = text(v).toLowerCase().replace(/[\s-]/g, '');
  return text(country).toUpperCase() === 'US' ? zip.slice(0, 5) : zip;
}

/** A city in lower-case letters only, no spaces or punctuation. */
export function metaCity(v: unknown): string {
  return text(v).toLowerCase().replace(/[^\p{L}]/gu, '');
}

/** Two-letter ISO 3166-1 code in lower case; anything else is left empty rather than guessed. */
export function metaCountry(v: unknown): string {
  const code = text(v).trim().toLowerCase();
  return /^[a-z]{2}$/.test(code) ? code : '';
}

export const EXPORT_COLUMNS: Record<Exclude<ExportFormat, 'extended'>, string[]> = {
  basic: ['first_name', 'last_name', 'city', 'zip', 'country'],
  facebook: ['email', 'phone', 'fn', 'ln', 'zip', 'ct', 'st', 'country', 'value'],
  email: ['name', 'phone', 'email'],
};

/** One output row per member, in the format's columns. */
function formatRow(format: ExportFormat, m: MemberRow, extendedColumns: string[]): string[] {
  switch (format) {
    case 'basic':
      return [text(m.first_name), text(m.last_name), text(m.city), text(m.zip), text(m.country)];
    case 'email':
      return [text(m.name), text(m.phone), text(m.email)];
    case 'facebook':
      return [
        text(m.email).trim().toLowerCase(),
        metaPhone(m.phone),
        metaName(m.first_name),
        metaName(m.last_name),
        metaZip(m.zip, m.country),
        metaCity(m.city),
        '',
        metaCountry(m.country),
        text(m.amount_spent),
      ];
    case 'extended':
      return extendedColumns.map((c) => text(m[c]));
  }
}

/** The CSV of a segment's members: a header, then one row each, quoted wherever a value needs it and no cell a formula. */
export function audienceCsv(format: ExportFormat, members: MemberRow[], extendedColumns: string[] = []): string {
  const header = format === 'extended' ? extendedColumns : EXPORT_COLUMNS[format];
  return writeCsv([header, ...members.map((m) => formatRow(format, m, extendedColumns))]);
}
