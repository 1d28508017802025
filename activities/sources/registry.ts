import type { ConnectionConfig } from '../../lib/config-schema';
import { ConfigError } from '../../lib/errors';
import { SOURCES, type SourceName } from '../../lib/sources';
import { activecampaignSource } from './activecampaign/spec';
import { amazonSellerSource } from './amazon-seller/spec';
import { bigcommerceSource } from './bigcommerce/spec';
import { facebookAdsSource } from './facebook-ads/spec';
import type { SourceSpec, StreamSpec } from './spec';
import { stripeSource } from './stripe/spec';
import { talononeSource } from './talonone/spec';
import { thrivecartSource } from './thrivecart/spec';

// Keyed by the source table's names, so a source without a connector does not compile.
const SPECS: Record<SourceName, SourceSpec> = {
  stripe: stripeSource,
  activecampaign: activecampaignSource,
  thrivecart: thrivecartSource,
  bigcommerce: bigcommerceSource,
  facebook_ads: facebookAdsSource,
  talonone: talononeSource,
  amazon_seller: amazonSellerSource,
};

/** The declarative spec of a source. */
export function sourceSpec(name: SourceName): SourceSpec {
  return SPECS[name];
}

/** Every source spec in the source table's order, for building staging over every stream that may have landed. */
export function allSourceSpecs(): SourceSpec[] {
  return SOURCES.map((s) => SPECS[s.name]);
}

/** The streams a connection syncs: all of its source's that its settings ask for, or the subset it names. */
export function selectStreams(source: SourceSpec, names: readonly string[] | undefined, where: string, connection?: ConnectionConfig): StreamSpec[] {
  if (!names) return source.streams.filter((s) => !s.readWhen || (connection !== undefined && s.readWhen(connection)));
  return names.map((name) => {
    const stream = source.streams.find((s) => s.name === name);
    if (!stream) {
      throw new ConfigError(`${where}: unknown ${source.name} stream "${name}" (known: ${source.streams.map((s) => s.name).join(', ')})`);
    }
    return stream;
  });
}
