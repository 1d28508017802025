import type { Faker } from '@faker-js/faker';
import { countrySpec, pickCountry } from './geography.js';
import type { Rng } from './prng.js';
import type { PostalAddress } from './types.js';

export interface Identity {
  first_name: string;
  last_name: string;
  email: string;
  phone: string;
  address: PostalAddress;
}

const PERSONAL_DOMAINS: Readonly<Record<string, number>> = {
  'gmail.com': 38, 'outlook.com': 10, 'yahoo.com': 8, 'icloud.com': 8, 'hotmail.com': 5, 'proton.me': 3, 'fastmail.com': 1,
};
const LOCAL_DOMAINS: Readonly<Record<string, string>> = {
  GB: 'btinternet.com', DE: 'gmx.de', FR: 'orange.fr', NL: 'ziggo.nl', IE: 'eircom.net', ES: 'telefonica.es', US: 'comcast.net',
};
export const WORK_DOMAINS: readonly string[] = [
  'northwind-analytics.com', 'bluepeak.io', 'acmecorp.com', 'lumenhq.com', 'harborlabs.co', 'tidewater.dev',
  'quantaworks.com', 'brightline.agency', 'oakandpine.co', 'fieldnotes.studio',
];

/** Folds a display name into the characters an email local part may use. */
export function emailSlug(text: string): string {
  return text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]/g, '');
}

function localPart(rng: Rng, first: string, last: string): string {
  const f = emailSlug(first) || 'user';
  const l = emailSlug(last) || 'name';
  switch (rng.int(0, 5)) {
    case 0: return `${f}.${l}`;
    case 1: return `${f}${l}`;
    case 2: return `${f}_${l}`;
    case 3: return `${f[0]}${l}`;
    case 4: return `${f}${rng.int(1, 99)}`;
    default: return `${f}.${l}${rng.int(70, 99)}`;
  }
}

/** Makes `candidate` unique within `used` by numbering it, and records it. */
export function claimEmail(candidate: string, used: Set<string>): string {
  let email = candidate;
  const at = candidate.indexOf('@');
  for (let n = 2; used.has(email); n++) email = `${candidate.slice(0, at)}${n}${candidate.slice(at)}`;
  used.add(email);
  return email;
}

/** A person's name, unique canonical email, phone and postal address. */
export function generateIdentity(faker: Faker, rng: Rng, usedEmails: Set<string>): Identity {
  const first_name = faker.person.firstName();
  const last_name = faker.person.lastName();
  const country = pickCountry(rng);
  const spec = countrySpec(country);
  let address: PostalAddress;
  if (country === 'US') {
    address = {
      line1: faker.location.streetAddress(),
      city: faker.location.city(),
      state: faker.location.state({ abbreviated: true }),
      postal_code: spec.postalCode(rng),
      country,
    };
  } else {
    const [city, state] = rng.pick(spec.cities);
    const street = rng.pick(spec.streets);
    const number = rng.int(1, 180);
    address = {
      line1: spec.numberFirst ? `${number} ${street}` : `${street} ${number}`,
      city,
      state,
      postal_code: spec.postalCode(rng),
      country,
    };
  }
  const domain = rng.chance(0.12) ? (LOCAL_DOMAINS[country] ?? 'gmail.com') : rng.weighted(PERSONAL_DOMAINS);
  const email = claimEmail(`${localPart(rng, first_name, last_name)}@${domain}`, usedEmails);
  return { first_name, last_name, email, phone: spec.phone(rng), address };
}
