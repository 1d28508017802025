import { describe, expect, it } from 'vitest';
import { emulatorFlagsSchema } from '../../emulators/registry';
import { parseFlags } from '../../cli/flags';

describe('command-line flags', () => {
  it('defaults every emulator flag', () => {
    const flags = parseFlags('emulators', emulatorFlagsSchema, {});
    expect(flags).toMatchObject({ host: '127.0.0.1', basePort: 12111, seed: 42, scale: 1, failRate: 0 });
  });

  it('name the wrong flag in kebab case with what was expected', () => {
    expect(() => parseFlags('emulators', emulatorFlagsSchema, { basePort: '70000' })).toThrow(/cdp emulators: --base-port: .*65530/);
    expect(() => parseFlags('emulators', emulatorFlagsSchema, { scale: 'big' })).toThrow(/--scale: .*number/);
  });

  it('take the emulated world\'s end from --now as an ISO instant, and none by default', () => {
    expect(parseFlags('emulators', emulatorFlagsSchema, {}).now).toBeUndefined();
    expect(parseFlags('emulators', emulatorFlagsSchema, { now: '2026-11-01T00:00:00Z' }).now).toEqual(new Date('2026-11-01T00:00:00Z'));
    expect(parseFlags('emulators', emulatorFlagsSchema, { now: '2026-11-01T02:00:00+02:00' }).now).toEqual(new Date('2026-11-01T00:00:00Z'));
    for (const bad of ['yesterday', '2026-11-01', '2026-11-01T00:00:00', '2026-13-01T00:00:00Z']) {
      expect(() => parseFlags('emulators', emulatorFlagsSchema, { now: bad }), bad).toThrow(/^cdp emulators: --now: expected an ISO 8601 instant with its offset, such as 2026-11-01T00:00:00Z$/);
    }
  });
});
