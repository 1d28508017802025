// A second process reading a segment, for the tests: `node --import tsx segment-reader-child.ts <config file> <segment>`
// with the storage's variables in the environment. Prints one JSON line: the members' emails by
// the members page, their total, and the history's total.
import { memberPage, membershipHistory } from '../../app/segment-members';
import { loadConfig } from '../../lib/config';

const [configFile, segment] = process.argv.slice(2) as [string, string];
const config = loadConfig(configFile);
const members = await memberPage(config, segment, { page: 1, size: 50, sort: 'email', dir: 'asc' });
const history = await membershipHistory(config, segment, { page: 1, size: 50 });
console.log(
  JSON.stringify({
    total: members.total,
    emails: members.rows.map((r) => String(r.email)),
    history: history.total,
    exits: history.rows.filter((r) => r.exited_at !== null).length,
  }),
);
