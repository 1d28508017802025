import { z } from 'zod';
import { ConfigError } from '../errors';

// Where the lake lives: its catalog (an embedded SQLite file by default, PostgreSQL at scale) and its
// data path (a folder under data/ by default, an s3:// URL at scale). Secrets only through
// environment variables: the config names them, the worker reads them.

const envVarSchema = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name such as CDP_CATALOG_PASSWORD');

/** A PostgreSQL connection string in libpq's key=value form, without a password. */
const postgresCatalogSchema = z
  .string()
  .regex(/^postgres:\S+=/, 'postgres: followed by libpq key=value settings, such as "postgres:dbname=cdp host=db.internal"')
  .refine((c) => !/(^|\s|:)password=/.test(c), 'no password in the catalog string: name the variable that holds it in catalog_password_env');

export const storageSchema = z
  .strictObject({
    /** `postgres:dbname=... host=...`; omitted: the embedded catalog file `<data_dir>/lake.sqlite`. */
    catalog: postgresCatalogSchema.optional(),
    catalog_password_env: envVarSchema.optional(),
    /** `s3://bucket/prefix/`; omitted: `<data_dir>/lake/`. */
    data_path: z
      .string()
      .regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/, 'an s3:// URL such as s3://cdp-lake/prod/')
      .transform((p) => (p.endsWith('/') ? p : `${p}/`))
      .optional(),
    s3: z
      .strictObject({
        /** The variable holding the endpoint, such as http://minio:9000; unset or empty: AWS. */
        endpoint_env: envVarSchema.optional(),
        key_id_env: envVarSchema,
        secret_env: envVarSchema,
        region: z.string().min(1).default('us-east-1'),
        url_style: z.enum(['path', 'vhost']).default('vhost'),
      })
      .optional(),
  })
  .superRefine((s, ctx) => {
    if (s.data_path && !s.s3) ctx.addIssue({ code: 'custom', path: ['s3'], message: 'an s3:// data_path needs s3: { key_id_env, secret_env } (and endpoint_env for a server other than AWS)' });
    if (s.s3 && !s.data_path) ctx.addIssue({ code: 'custom', path: ['data_path'], message: 's3 is set but data_path is not an s3:// URL' });
    if (s.catalog_password_env && !s.catalog) ctx.addIssue({ code: 'custom', path: ['catalog_password_env'], message: 'catalog_password_env is for a postgres: catalog' });
  });
export type StorageConfig = z.infer<typeof storageSchema>;

/** The value of an environment variable the storage settings name; a ConfigError saying which when it is unset. */
export function requiredEnv(name: string, what: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new ConfigError(`storage: ${what}: the environment variable ${name} is not set in this process's environment; export it before starting cdp`);
  return value;
}
