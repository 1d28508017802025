import type { CurrencyCode } from '../world/index.js';

/** How a feedback report prints its Date column; Seller Central writes it the marketplace's way. */
export type FeedbackDateStyle = 'MM/DD/YY' | 'DD.MM.YY' | 'DD/MM/YY';

/** One Amazon store as the emulator can serve it: its id, money, clock and the habits of its reports. */
export interface Marketplace {
  id: string;
  countryCode: string;
  currencyCode: 'USD' | 'EUR' | 'GBP';
  /** The world currency its prices come from. */
  worldCurrency: CurrencyCode;
  salesChannel: string;
  /** Anonymized buyer addresses end with this domain. */
  emailDomain: string;
  /** The SP-API region; report document ids name it. */
  region: 'na' | 'eu';
  /** Seller Central's clock: report dates are calendar days here. */
  timeZone: string;
  feedbackDateStyle: FeedbackDateStyle;
  /** Countries whose world people shop in this store. */
  buyerCountries: readonly string[];
  /** The first group of an AmazonOrderId. */
  orderIdPrefixes: readonly string[];
  /** VAT included in EU prices; null where sales tax is added on top by state (US). */
  vatRate: number | null;
  returnCarriers: readonly string[];
}

const EU_BUYERS = ['DE', 'FR', 'NL', 'IE', 'ES'];
const EU_ORDER_PREFIXES = ['302', '303', '304', '305', '306'];
const EU_CARRIERS = ['DHL', 'DPD', 'Hermes', 'GLS'];

function euStore(id: string, countryCode: string, domain: string, timeZone: string, vatRate: number): Marketplace {
  return {
    id, countryCode, currencyCode: 'EUR', worldCurrency: 'eur', salesChannel: `Amazon.${domain}`, emailDomain: `marketplace.amazon.${domain}`,
    region: 'eu', timeZone, feedbackDateStyle: countryCode === 'DE' ? 'DD.MM.YY' : 'DD/MM/YY', buyerCountries: EU_BUYERS,
    orderIdPrefixes: EU_ORDER_PREFIXES, vatRate, returnCarriers: EU_CARRIERS,
  };
}

/** The marketplaces the world's currencies can price; ids as in the SP-API "Marketplace IDs" table. */
export const MARKETPLACES: Readonly<Record<string, Marketplace>> = {
  ATVPDKIKX0DER: {
    id: 'ATVPDKIKX0DER', countryCode: 'US', currencyCode: 'USD', worldCurrency: 'usd', salesChannel: 'Amazon.com', emailDomain: 'marketplace.amazon.com',
    region: 'na', timeZone: 'America/Los_Angeles', feedbackDateStyle: 'MM/DD/YY', buyerCountries: ['US'], orderIdPrefixes: ['111', '112', '113', '114'],
    vatRate: null, returnCarriers: ['USPS', 'UPS', 'FedEx'],
  },
  A1F83G8C2ARO7P: {
    id: 'A1F83G8C2ARO7P', countryCode: 'GB', currencyCode: 'GBP', worldCurrency: 'gbp', salesChannel: 'Amazon.co.uk', emailDomain: 'marketplace.amazon.co.uk',
    region: 'eu', timeZone: 'Europe/London', feedbackDateStyle: 'DD/MM/YY', buyerCountries: ['GB'], orderIdPrefixes: ['202', '203', '204', '205', '206'],
    vatRate: 0.2, returnCarriers: ['Royal Mail', 'Evri', 'DPD'],
  },
  A1PA6795UKMFR9: euStore('A1PA6795UKMFR9', 'DE', 'de', 'Europe/Berlin', 0.19),
  A13V1IB3VIYZZH: euStore('A13V1IB3VIYZZH', 'FR', 'fr', 'Europe/Paris', 0.2),
  APJ6JRA9NG5V4: euStore('APJ6JRA9NG5V4', 'IT', 'it', 'Europe/Rome', 0.22),
  A1RKKUPIHCS9HS: euStore('A1RKKUPIHCS9HS', 'ES', 'es', 'Europe/Madrid', 0.21),
  A1805IZSGTT6HS: euStore('A1805IZSGTT6HS', 'NL', 'nl', 'Europe/Amsterdam', 0.21),
  A28R8C7NBKEWEA: euStore('A28R8C7NBKEWEA', 'IE', 'ie', 'Europe/Dublin', 0.23),
};

/** Every marketplace id Amazon has, so a request naming one the seller does not sell in is told apart from a typo. */
const OTHER_MARKETPLACE_IDS: ReadonlySet<string> = new Set([
  'A2EUQ1WTGCTBG2', 'A1AM78C64UM0Y8', 'A2Q3Y263D00KWC', 'AMEN7PMS3EDWL', 'A2NODRKZP88ZB9', 'A1C3SOZRARQ6R3', 'A33AVAJ2PDY3EV',
  'A17E79C6D8DWNP', 'A2VIGQ35RCS4UG', 'ARBP9OOSHTCHU', 'A21TJRUUN4KGV', 'A19VAU5U5O7RUS', 'A39IBJ37TRP1C6', 'A1VC38T7YXB528',
]);

/** True for any real Amazon marketplace id. */
export function isMarketplaceId(id: string): boolean {
  return id in MARKETPLACES || OTHER_MARKETPLACE_IDS.has(id);
}

/** The marketplace for an id the emulator can serve; throws with the supported ids otherwise. */
export function marketplaceOf(id: string): Marketplace {
  const marketplace = MARKETPLACES[id];
  if (!marketplace) throw new Error(`The Amazon SP-API emulator serves marketplaces ${Object.keys(MARKETPLACES).join(', ')}; got "${id}".`);
  return marketplace;
}
