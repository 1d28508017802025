/**
 * Emulator data benchmark: how long the shared world and the Stripe account built from it take at
 * the default scale, which every emulator-backed test and `cdp demo` pays at start-up.
 *
 * Each run generates the world (seed 42, scale 1) and builds the Stripe data from it, timing the
 * two apart. It checks what it built against what the generator promises (3,000 people, a few
 * thousand customers, several thousand charges, byte-identical output on every run), and exits 1
 * when a check fails. The times are reported against the targets, not asserted.
 *
 *   npx tsx bench/emulator-data.bench.ts [--runs N]
 */
import crypto from 'node:crypto';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { buildStripeData } from '../emulators/stripe';
import { generateWorld } from '../emulators/world';

const TARGETS_MS = { world: 1_000, stripe: 3_000 };

const { values: args } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const runs = Number(args.runs);
if (!Number.isSafeInteger(runs) || runs <= 0) throw new Error(`--runs must be a positive integer, got "${args.runs}"`);

const hash = (value: unknown) => crypto.createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

console.log(`machine: ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB; node ${process.version}`);
const problems: string[] = [];
const worldMs: number[] = [];
const stripeMs: number[] = [];
const digests = new Set<string>();
let counts = { people: 0, customers: 0, charges: 0 };

// A small world first, so module loading and JIT warm-up are not in the first timing.
generateWorld({ seed: 1, scale: 0.05 });
for (let run = 1; run <= runs; run++) {
  const t0 = performance.now();
  const world = generateWorld({ seed: 42, scale: 1 });
  const t1 = performance.now();
  const stripe = buildStripeData(world);
  const t2 = performance.now();
  worldMs.push(t1 - t0);
  stripeMs.push(t2 - t1);
  counts = { people: world.people.length, customers: stripe.customers.length, charges: stripe.charges.length };
  digests.add(`${hash(world)}/${hash(stripe.customers)}/${hash(stripe.charges)}`);
  console.log(`run ${run}: world ${(t1 - t0).toFixed(0)} ms, stripe ${(t2 - t1).toFixed(0)} ms; ${counts.people} people, ${counts.customers} customers, ${counts.charges} charges`);
}

if (counts.people !== 3000) problems.push(`the world holds ${counts.people} people, not 3000`);
if (!(counts.customers > 1500 && counts.customers < 5000)) problems.push(`${counts.customers} Stripe customers, not a few thousand (1500 to 5000)`);
if (!(counts.charges > 3000)) problems.push(`${counts.charges} Stripe charges, not several thousand (over 3000)`);
if (digests.size !== 1) problems.push(`the same seed gave ${digests.size} different outputs over ${runs} runs`);

const report = (what: keyof typeof TARGETS_MS, times: number[]) =>
  console.log(`${what}: median ${median(times).toFixed(0)} ms, slowest ${Math.max(...times).toFixed(0)} ms (target under ${TARGETS_MS[what]} ms: ${median(times) < TARGETS_MS[what] ? 'met' : 'MISSED'})`);
report('world', worldMs);
report('stripe', stripeMs);
for (const p of problems) console.error(`CHECK FAILED: ${p}`);
if (problems.length > 0) process.exit(1);
