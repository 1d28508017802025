// A reader of the models in a process of its own, for the tests:
// `node --import tsx models-reader-child.ts <storage JSON> <data dir> <config|lake>`, the storage's
// variables in the environment. Each line of standard input is a query; each answer is one JSON line,
// {"rows": [...]} or {"error": "..."}. Each query opens a reader of its own, as a request of the app
// does: `config` the one warehouseSource picks, `lake` the models published in the lake.
import readline from 'node:readline';
import { storageSchema } from '../../lib/lake/storage-config';
import { dataLayout } from '../../lib/paths';
import { openPublishedModels, openWarehouseReadOnly } from '../../lib/warehouse/open-read-only';

const [storageJson, dataDir, mode] = process.argv.slice(2);
const config = { storage: storageSchema.parse(JSON.parse(storageJson as string)), layout: dataLayout(dataDir as string) };
const json = (value: unknown) => JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? Number(v) : v));

for await (const sql of readline.createInterface({ input: process.stdin })) {
  try {
    const { db, close } = mode === 'lake' ? await openPublishedModels(config, {}) : await openWarehouseReadOnly(config);
    try {
      console.log(json({ rows: (await db.runAndReadAll(sql)).getRowObjectsJS() }));
    } finally {
      close();
    }
  } catch (err) {
    console.log(json({ error: (err as Error).message }));
  }
}
