import { loyaltyBalancesModel } from './loyalty-balances';
import { markovChannelSharesModel } from './markov-channel-shares';
import type { ComputedModel } from './model-files';

/**
 * The tables the build computes in code, between SQL models, where SQL is the wrong tool. Each has a
 * file under `models/` with its grain and tests and a `-- computed in:` line naming its code.
 */
export function computedModels(): ComputedModel[] {
  return [markovChannelSharesModel(), loyaltyBalancesModel()];
}
