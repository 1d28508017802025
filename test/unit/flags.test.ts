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
});
