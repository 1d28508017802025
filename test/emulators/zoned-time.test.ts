import { describe, expect, it } from 'vitest';
import { addDays, formatZoned, parseZonedInput, zonedDate, zonedToMs } from '../../emulators/http/zoned-time';

const LA = 'America/Los_Angeles';

describe('zoned time helpers', () => {
  it('prints the offset in force on each side of a DST change, with and without the colon', () => {
    expect(formatZoned(Date.parse('2026-11-01T08:30:00Z'), LA)).toBe('2026-11-01T01:30:00-07:00');
    expect(formatZoned(Date.parse('2026-11-01T09:30:00Z'), LA)).toBe('2026-11-01T01:30:00-08:00');
    expect(formatZoned(Date.parse('2025-01-15T18:00:00Z'), 'America/Chicago', false)).toBe('2025-01-15T12:00:00-0600');
    expect(formatZoned(Date.parse('2025-07-15T18:00:00Z'), 'America/Chicago')).toBe('2025-07-15T13:00:00-05:00');
  });

  it('handles zones whose offset changes half-way through a UTC hour', () => {
    expect(formatZoned(Date.parse('2026-03-08T05:29:00Z'), 'America/St_Johns')).toBe('2026-03-08T01:59:00-03:30');
    expect(formatZoned(Date.parse('2026-03-08T05:31:00Z'), 'America/St_Johns')).toBe('2026-03-08T03:01:00-02:30');
  });

  it('resolves local times in DST overlaps to the earlier instant and times in gaps past the gap', () => {
    expect(new Date(zonedToMs(2026, 11, 1, 1, 30, 0, LA)).toISOString()).toBe('2026-11-01T08:30:00.000Z');
    expect(new Date(zonedToMs(2026, 11, 1, 2, 0, 0, LA)).toISOString()).toBe('2026-11-01T10:00:00.000Z');
    expect(new Date(zonedToMs(2026, 3, 8, 2, 30, 0, LA)).toISOString()).toBe('2026-03-08T10:30:00.000Z');
    expect(new Date(zonedToMs(2026, 3, 8, 3, 0, 0, LA)).toISOString()).toBe('2026-03-08T10:00:00.000Z');
  });

  it('reads filter values as local dates, local date-times or offset date-times', () => {
    expect(parseZonedInput('2025-07-01', 'America/Chicago')).toBe(Date.parse('2025-07-01T05:00:00Z'));
    expect(parseZonedInput('2025-12-01 08:00:00', 'America/Chicago')).toBe(Date.parse('2025-12-01T14:00:00Z'));
    expect(parseZonedInput('2025-07-01T00:00:00-0500', 'UTC')).toBe(Date.parse('2025-07-01T05:00:00Z'));
    expect(parseZonedInput('2025-07-01T00:00:00Z', 'America/Chicago')).toBe(Date.parse('2025-07-01T00:00:00Z'));
    expect(parseZonedInput('last week', 'UTC')).toBeNull();
  });

  it('gives the local calendar date and steps dates across month ends', () => {
    expect(zonedDate(Date.parse('2026-11-01T00:00:00Z'), LA)).toBe('2026-10-31');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
  });
});
