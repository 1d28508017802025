import { CdpError } from '../../lib/errors';

/** The app store's database cannot be reached or refuses the login; the message names the server, never the password. */
export class AppStoreUnavailableError extends CdpError {
  override readonly name = 'AppStoreUnavailableError';
  constructor(
    /** The database, as a person reads it: `database "cdp" on db.internal:5432 as cdp`. */
    readonly target: string,
    cause: string,
  ) {
    super(`the web app's state is in PostgreSQL (${target}), which cannot be used: ${cause}; check storage.catalog and the password variable it names`);
  }
}
