import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { startEmulator } from '../../../src/emulator/server.ts';
import { type ModelWorld, modelCommands, runSequence } from '../../support/conversation-model.ts';
import { FaultProxy } from '../../support/fault-proxy.ts';
import { closeSpeech } from '../../support/speech.ts';

/**
 * Model-based test of Conversation + LiveConnection against the emulator through the fault proxy
 * (tests/support/conversation-model.ts). `SOAK_RUNS` sets the number of sequences (`npm run soak`
 * runs thousands, with handshakes up to 3 s), `FC_SEED` replays one.
 */
const RUNS = Number(process.env.SOAK_RUNS ?? 200);
const SEED = Number(process.env.FC_SEED ?? 20261204);
const MAX_HANDSHAKE_MS = process.env.SOAK_RUNS ? 3000 : 150;

let world: ModelWorld;
const onUnhandled = (reason: unknown) => world.unhandled.push(reason);
beforeAll(async () => {
  const emulator = await startEmulator();
  world = { emulator, proxy: await FaultProxy.start(emulator.url), unhandled: [] };
  process.on('unhandledRejection', onUnhandled);
});
afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await world?.proxy.close();
  await world?.emulator.close();
  await closeSpeech();
});

describe('Conversation + LiveConnection under random faults (model-based)', () => {
  it(`${RUNS} seeded sequences: one session at most, none after end, nothing unhandled, no chunk lost silently`, async () => {
    await fc.assert(
      fc.asyncProperty(modelCommands(MAX_HANDSHAKE_MS), (cmds) => runSequence(world, cmds)),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
  }, 3_600_000);
});
