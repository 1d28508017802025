import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import type { SyncProgress } from '../workflows';
import { stateKey } from '../lib/stream-keys';
import { cursorSeconds, etaSeconds, windowFraction } from './progress-math';

function formatDuration(seconds: number | null): string {
  if (seconds === null) return '--';
  if (seconds < 60) return `${Math.round(seconds)}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(seconds / 3600)}h${String(Math.round((seconds % 3600) / 60)).padStart(2, '0')}m`;
}

function cursorLabel(cursor: string | null): string {
  const seconds = cursorSeconds(cursor);
  return seconds === null ? '' : new Date(seconds * 1000).toISOString().slice(0, 16).replace('T', ' ');
}

export interface ProgressView {
  update(p: SyncProgress): void;
  stop(): void;
}

/**
 * One live bar per stream on a terminal (pages, rows, rate, the cursor's place in its window, an
 * ETA when the window's far end is known); elsewhere a plain line per change, so logs stay readable.
 */
export function createProgressView(stream: NodeJS.WriteStream = process.stderr): ProgressView {
  const startedMs = Date.now();
  if (!stream.isTTY) {
    let last = '';
    return {
      update(p) {
        const line = p.streams
          .map((s) => `${s.stream} ${s.done ? 'done' : `${s.rows} rows`}`)
          .join(', ');
        if (line !== last) stream.write(`${p.connectionId}: ${line}\n`);
        last = line;
      },
      stop() {},
    };
  }
  const multibar = new MultiBar(
    {
      stream,
      clearOnComplete: false,
      hideCursor: true,
      barsize: 20,
      format: ' {stream} |{bar}| {pct} | {pages} pages | {rows} rows | {rate}/s | at {cursor} | ETA {eta}',
    },
    Presets.shades_classic,
  );
  const bars = new Map<string, SingleBar>();
  return {
    update(p) {
      const elapsed = (Date.now() - startedMs) / 1000;
      for (const s of p.streams) {
        const fraction = s.done ? 1 : windowFraction(s);
        const payload = {
          stream: (s.slice ? `${s.stream} ${s.slice.index + 1}/${s.slice.count}` : s.stream).padEnd(20),
          pct: fraction === null ? '  ? ' : `${String(Math.round(fraction * 100)).padStart(3)}%`,
          pages: String(s.pages).padStart(5),
          rows: String(s.rows).padStart(8),
          rate: String(Math.round(s.rows / Math.max(elapsed, 0.001))).padStart(6),
          cursor: cursorLabel(s.lastCursor).padEnd(16),
          eta: s.done ? 'done' : formatDuration(etaSeconds(fraction, elapsed)),
        };
        let bar = bars.get(stateKey(s));
        if (!bar) {
          bar = multibar.create(1000, 0, payload);
          bars.set(stateKey(s), bar);
        }
        bar.update(Math.round((fraction ?? 0) * 1000), payload);
      }
    },
    stop() {
      multibar.stop();
    },
  };
}
