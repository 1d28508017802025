import { deriveSeed, hash32 } from '../world/index.js';

/** A deterministic fraction in [0, 1) for one (label, a, b) triple. */
export function unit(seed: number, label: string, a: number, b: number): number {
  return hash32(hash32(deriveSeed(seed, label), a), b) / 4294967296;
}

/** `n` deterministic decimal digits for a label: the body of a Meta-looking numeric id. */
export function digits(seed: number, label: string, n: number): string {
  let out = '';
  for (let i = 0; out.length < n; i++) out += String(hash32(deriveSeed(seed, label), i) % 1_000_000_000).padStart(9, '0');
  return out.slice(0, n);
}
