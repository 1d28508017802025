import path from 'node:path';
import type { LoadedConfig } from '../../lib/config';
import { parseLibpqSettings } from '../../lib/lake/libpq-settings';
import { requiredEnv, type StorageConfig } from '../../lib/lake/storage-config';
import type { DataLayout } from '../../lib/paths';
import type { AppStore } from './app-store';
import { PostgresDatabase, type PostgresTarget } from './postgres-database';
import { SqlAppStore } from './sql-app-store';
import { SqliteDatabase } from './sqlite-database';

// Where the web app keeps its state follows the lake's catalog: embedded, a SQLite file under the
// data folder; PostgreSQL, the catalog's own database in a schema of its own, so every `cdp serve`
// and `cdp user` of a deployment shares one set of accounts.

/** The schema of the app's tables in the catalog's PostgreSQL database. */
export const APP_SCHEMA = 'cdp_app';

/** The app store's file under the data folder, for the embedded setting. */
export const appStorePath = (layout: DataLayout): string => path.join(layout.root, 'app', 'app.sqlite');

/** The PostgreSQL database of a `postgres:` catalog, the password read from the variable the config names. */
export function appStoreTarget(storage: StorageConfig): PostgresTarget | undefined {
  if (!storage.catalog) return undefined;
  return {
    settings: parseLibpqSettings(storage.catalog.replace(/^postgres:/, '')),
    password: storage.catalog_password_env ? requiredEnv(storage.catalog_password_env, 'catalog_password_env') : undefined,
    schema: APP_SCHEMA,
  };
}

/** Opens the configured app store, its tables made when missing. */
export async function openAppStore(config: Pick<LoadedConfig, 'storage' | 'layout'>): Promise<AppStore> {
  const target = appStoreTarget(config.storage);
  return SqlAppStore.open(target ? PostgresDatabase.open(target) : SqliteDatabase.open(appStorePath(config.layout)));
}

/** Runs `act` on the configured app store and closes it after. */
export async function withAppStore<T>(config: Pick<LoadedConfig, 'storage' | 'layout'>, act: (store: AppStore) => Promise<T>): Promise<T> {
  const store = await openAppStore(config);
  try {
    return await act(store);
  } finally {
    await store.close();
  }
}
