import type { Rng } from './prng.js';
import type { CurrencyCode } from './types.js';

interface CountrySpec {
  currency: CurrencyCode;
  weight: number;
  /** city, region (null where addresses carry none) */
  cities: readonly (readonly [string, string | null])[];
  streets: readonly string[];
  postalCode: (rng: Rng) => string;
  phone: (rng: Rng) => string;
  /** House number before the street name (US/GB) or after it (continental Europe). */
  numberFirst: boolean;
}

const digits = (rng: Rng, n: number): string => rng.chars(n, '0123456789');
const upper = (rng: Rng, n: number): string => rng.chars(n, 'ABCDEFGHJKLMNPRSTUWXY');

// The US cities are drawn from faker; the other countries use these small tables so addresses look local.
export const COUNTRIES: Readonly<Record<string, CountrySpec>> = {
  US: { currency: 'usd', weight: 55, cities: [], streets: [], numberFirst: true, postalCode: (r) => digits(r, 5), phone: (r) => `+1${r.int(201, 989)}${r.int(200, 999)}${digits(r, 4)}` },
  GB: {
    currency: 'gbp', weight: 15, numberFirst: true,
    cities: [['London', null], ['Manchester', null], ['Bristol', null], ['Leeds', null], ['Edinburgh', null], ['Glasgow', null], ['Brighton', null], ['Cardiff', null]],
    streets: ['High Street', 'Station Road', 'Church Lane', 'Victoria Road', 'Mill Lane', 'Park Avenue', 'Queens Road', 'The Crescent'],
    postalCode: (r) => `${upper(r, 2)}${r.int(1, 20)} ${r.int(1, 9)}${upper(r, 2)}`,
    phone: (r) => `+447${r.int(400, 999)}${digits(r, 6)}`,
  },
  DE: {
    currency: 'eur', weight: 8, numberFirst: false,
    cities: [['Berlin', 'BE'], ['Hamburg', 'HH'], ['München', 'BY'], ['Köln', 'NW'], ['Leipzig', 'SN']],
    streets: ['Hauptstraße', 'Bahnhofstraße', 'Gartenweg', 'Schillerstraße', 'Lindenallee'],
    postalCode: (r) => digits(r, 5), phone: (r) => `+4915${r.int(1, 9)}${digits(r, 8)}`,
  },
  FR: {
    currency: 'eur', weight: 7, numberFirst: true,
    cities: [['Paris', null], ['Lyon', null], ['Marseille', null], ['Toulouse', null], ['Nantes', null]],
    streets: ['rue de la Paix', 'avenue Victor Hugo', 'rue Nationale', 'boulevard Voltaire', 'rue des Écoles'],
    postalCode: (r) => `${r.int(10, 95)}${digits(r, 3)}`, phone: (r) => `+336${digits(r, 8)}`,
  },
  NL: {
    currency: 'eur', weight: 5, numberFirst: false,
    cities: [['Amsterdam', 'NH'], ['Rotterdam', 'ZH'], ['Utrecht', 'UT'], ['Eindhoven', 'NB']],
    streets: ['Kerkstraat', 'Dorpsstraat', 'Molenweg', 'Prinsengracht'],
    postalCode: (r) => `${r.int(1000, 9999)} ${upper(r, 2)}`, phone: (r) => `+316${digits(r, 8)}`,
  },
  IE: {
    currency: 'eur', weight: 4, numberFirst: true,
    cities: [['Dublin', 'D'], ['Cork', 'CO'], ['Galway', 'G']],
    streets: ['Main Street', 'Patrick Street', 'Church Road', 'Grafton Street'],
    postalCode: (r) => `D${r.int(10, 24)} ${upper(r, 1)}${digits(r, 1)}${upper(r, 2)}`, phone: (r) => `+3538${r.int(3, 9)}${digits(r, 7)}`,
  },
  ES: {
    currency: 'eur', weight: 6, numberFirst: false,
    cities: [['Madrid', 'M'], ['Barcelona', 'B'], ['Valencia', 'V'], ['Sevilla', 'SE']],
    streets: ['Calle Mayor', 'Gran Vía', 'Calle del Sol', 'Avenida de la Constitución'],
    postalCode: (r) => `${r.int(10, 52)}${digits(r, 3)}`, phone: (r) => `+346${digits(r, 8)}`,
  },
};

/** Picks a country code according to the customer mix. */
export function pickCountry(rng: Rng): string {
  const weights: Record<string, number> = {};
  for (const [code, spec] of Object.entries(COUNTRIES)) weights[code] = spec.weight;
  return rng.weighted(weights);
}

/** The country's spec; throws on a code the world does not use. */
export function countrySpec(code: string): CountrySpec {
  const spec = COUNTRIES[code];
  if (!spec) throw new Error(`Unknown country ${code}`);
  return spec;
}
