import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project's root folder (where package.json lives). */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Where everything cdp writes at run time lives. */
export interface DataLayout {
  root: string;
  raw: string;
  quarantine: string;
  warehouse: string;
  /** Segment membership history and materialization runs, kept across warehouse rebuilds. */
  segments: string;
  run: string;
  temporalDb: string;
}

/** Lays out the data folder: files landed before the lake (raw, quarantine), the warehouse and background-process files. */
export function dataLayout(dataDir: string): DataLayout {
  const root = path.resolve(dataDir);
  return {
    root,
    raw: path.join(root, 'raw'),
    quarantine: path.join(root, 'quarantine'),
    warehouse: path.join(root, 'warehouse.duckdb'),
    segments: path.join(root, 'segments'),
    run: path.join(root, 'run'),
    temporalDb: path.join(root, 'temporal.db'),
  };
}
