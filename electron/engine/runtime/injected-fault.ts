import type { ProviderName } from './devices.js';

/**
 * The engine's one fault-injection point, for the tests of a training run's move to the CPU
 * (training/__tests__/device-fallback.test.ts, e2e/train-webgpu.spec.ts): no cheap way makes a
 * real device fail on cue. Read by GraphRunner only, on providers other than the CPU (which it
 * never touches); unset, as always outside those tests, nothing changes.
 *
 *  - `step:N`: the Nth step of each runner throws, before it runs, an error shaped like Dawn's
 *    device loss (a kernel error or out of device memory looks the same to the run);
 *  - `read:N`: the Nth read-back of the device's values (a checkpoint's) throws the same way;
 *  - `,lost` after either: every later step and read-back of that runner throws too, as on a
 *    device that is gone, so nothing can be read back from it.
 */
export const FAIL_DEVICE_ENV = 'GAN_STUDIO_FAIL_DEVICE';

type Operation = 'step' | 'read';

/** Counts a runner's steps and read-backs and throws where the injected fault says. */
export interface FaultPoint {
  /** Called before each operation of the runner. */
  before(operation: Operation): void;
}

const NONE: FaultPoint = { before: () => undefined };

export function faultPoint(provider: ProviderName, env: NodeJS.ProcessEnv = process.env): FaultPoint {
  const value = env[FAIL_DEVICE_ENV];
  if (value === undefined || value === '' || provider === 'cpu') return NONE;
  const match = /^(step|read):(\d+)(,lost)?$/.exec(value);
  if (match === null) {
    // Loud, on the runner's first use (not while it opens: its session would leak).
    const bad = new Error(`${FAIL_DEVICE_ENV}=${value}: expected step:N or read:N, optionally followed by ",lost"`);
    return {
      before: () => {
        throw bad;
      },
    };
  }
  const [, at, n, lost] = match;
  const counts: Record<Operation, number> = { step: 0, read: 0 };
  let gone = false;
  return {
    before(operation) {
      counts[operation] += 1;
      if (!gone && !(operation === at && counts[operation] === Number(n))) return;
      gone ||= lost !== undefined;
      throw new Error(`device lost (injected at ${at} ${n} by ${FAIL_DEVICE_ENV})`);
    },
  };
}
