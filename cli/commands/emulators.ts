export {
  DEMO_AD_ACCOUNT, EMULATORS, emulatorFlagsSchema, emulatorKey, startEmulators, type EmulatorFlags, type RunningEmulator,
} from '../../emulators/registry';
