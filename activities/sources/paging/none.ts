import type { NoPaging } from '../spec';
import type { PagingScheme } from './scheme';

/** One request answers the whole list: no parameters, and no page after the first. */
export const none: PagingScheme<NoPaging> = {
  setParams() {},
  nextToken() {
    return null;
  },
};
