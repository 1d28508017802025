// Resident memory of another process, read from /proc: what the operating system charges it,
// DuckDB's native memory and V8's heap alike.
import fs from 'node:fs';

/** A process's resident set now (VmRSS) and its peak since it started (VmHWM), in MB; undefined once it has exited. */
export function residentMb(pid: number): { rssMb: number; peakMb: number } | undefined {
  let status: string;
  try {
    status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
  return { rssMb: Math.round(kb('VmRSS') / 1024), peakMb: Math.round(kb('VmHWM') / 1024) };
}

/** Samples a process's resident set every `intervalMs` until stopped; `window()` starts a new maximum, kept apart from the whole run's. */
export function sampleResident(pid: number, intervalMs = 100) {
  let windowMaxMb = 0;
  let peakMb = 0;
  const take = () => {
    const now = residentMb(pid);
    if (!now) return;
    windowMaxMb = Math.max(windowMaxMb, now.rssMb);
    peakMb = Math.max(peakMb, now.peakMb);
  };
  const timer = setInterval(take, intervalMs);
  return {
    /** The largest resident set sampled since the last call, then starts a new window. */
    window(): number {
      take();
      const max = windowMaxMb;
      windowMaxMb = 0;
      return max;
    },
    /** The process's own peak (VmHWM) as last seen. */
    peakMb: () => (take(), peakMb),
    stop: () => clearInterval(timer),
  };
}

/** CPU-seconds of a process and of the children it reaped (PostgreSQL's backends), from /proc: utime, stime, cutime, cstime. */
export function processCpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields 14-17 of stat; fields[0] here is field 3.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return [11, 12, 13, 14].reduce((s, i) => s + Number(fields[i]), 0) / 100;
}

/**
 * CPU-seconds of a process and of all its descendants, running or reaped: PostgreSQL's postmaster
 * with the backends still serving a connection. A child that exits between the reads may count twice.
 */
export function processTreeCpuSeconds(pid: number): number {
  let children: number[] = [];
  try {
    children = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    // Gone, or a kernel without the children file: the process alone.
  }
  const own = processCpuSeconds(pid);
  return children.reduce((s, child) => {
    try {
      return s + processTreeCpuSeconds(child);
    } catch {
      return s;
    }
  }, own);
}
