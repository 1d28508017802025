// A second process on a lake, for the tests: `node --import tsx lake-child.ts <storage JSON> <data dir> <command>`
// with the storage's variables in the environment. Prints one JSON line.
//   identity             {"id": ...}
//   write <writer> <n>   commits n transactions to lake.raw.events, each one row (writer, seq): {"committed": n}
import { closeLakes, inLakeTransaction, openLake } from '../../lib/lake/open-lake';
import { storageSchema } from '../../lib/lake/storage-config';
import { dataLayout } from '../../lib/paths';

const [storageJson, dataDir, command, ...args] = process.argv.slice(2);
const lake = await openLake(storageSchema.parse(JSON.parse(storageJson as string)), dataLayout(dataDir as string));
if (command === 'identity') {
  console.log(JSON.stringify({ id: lake.id }));
} else if (command === 'write') {
  const writer = Number(args[0]);
  const n = Number(args[1]);
  const db = await lake.connect();
  for (let seq = 0; seq < n; seq++) {
    await inLakeTransaction(db, () => db.run(`INSERT INTO lake.raw.events VALUES (${writer}, ${seq})`));
  }
  db.closeSync();
  console.log(JSON.stringify({ committed: n }));
} else {
  throw new Error(`unknown command ${command}`);
}
await closeLakes();
