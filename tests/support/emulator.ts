import { afterAll, beforeAll, onTestFinished } from 'vitest';
import { type EmulatorOptions, type RunningEmulator, startEmulator } from '../../src/emulator/server.ts';

/**
 * One emulator (loopback, free port) for a test file: started before its tests, closed after them.
 * Returns a getter, since the emulator exists only once `beforeAll` has run.
 *
 * @example
 * ```ts
 * const emulator = useEmulator({ maxFrameBytes: 32 * 1024 });
 * it('…', async () => { const client = await RawClient.open(emulator().url); });
 * ```
 */
export function useEmulator(options: EmulatorOptions = {}): () => RunningEmulator {
  let running: RunningEmulator | undefined;
  beforeAll(async () => {
    running = await startEmulator(options);
  });
  afterAll(async () => running?.close());
  return () => {
    if (!running) throw new Error('useEmulator: the emulator is not started yet (use it inside a test or hook)');
    return running;
  };
}

/**
 * An extra emulator for one test (other limits, a key, a short lifetime), closed when the test
 * finishes, passed or failed; calling `close()` earlier is fine.
 */
export async function startTestEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const running = await startEmulator(options);
  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= running.close();
    return closing;
  };
  onTestFinished(() => close());
  return { ...running, close };
}
