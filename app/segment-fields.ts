import type { LoadedConfig } from '../lib/config';
import { CUSTOM_ATTRIBUTES_SQL, customAttributeCatalog, type ApplicationAttributes } from '../lib/segments/custom-attributes';
import { hasModels, openWarehouseReadOnly } from '../lib/warehouse/open-read-only';

/** The custom attributes each Talon.One Application defines, as segment fields; none before the first build. */
export async function customAttributeFields(config: LoadedConfig): Promise<ApplicationAttributes[]> {
  if (!hasModels(config)) return [];
  const { db, close } = await openWarehouseReadOnly(config);
  try {
    return customAttributeCatalog((await db.runAndReadAll(CUSTOM_ATTRIBUTES_SQL)).getRowObjectsJS());
  } finally {
    await close();
  }
}
