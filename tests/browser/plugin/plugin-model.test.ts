// Model-based property test over the plugin's public API in real Chromium: random sequences of
// talkTo, endConversation, walking (early connect, auto-talk), scene restart, destroy and
// re-create, typed lines, microphone audio, and faults injected by a proxy between the page and
// the emulator. Seeded: a failure prints its seed and the shrunk sequence; rerun with
// FC_SEED=<seed> (and FC_PATH=<path> for the shrunk case). `npm run soak:browser` runs 300 (SOAK_RUNS=…).
import fc from 'fast-check';
import type { Page } from 'playwright';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FaultProxy } from '../../support/fault-proxy.ts';
import type { ModelStep } from '../pages/plugin-model-steps.ts';
import { baseUrl, emulatorStats, useBrowser } from './plugin-page.ts';

const RUNS = Number(process.env.SOAK_RUNS ?? 30);
const SEED = Number(process.env.FC_SEED ?? 14_2026);
const PATH = process.env.FC_PATH;

const browser = useBrowser({});
let proxy: FaultProxy;
let page: Page;
const pageErrors: string[] = [];
beforeAll(async () => {
  proxy = await FaultProxy.start(baseUrl);
  page = await browser().newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`${baseUrl}/tests/browser/pages/plugin.html`);
  await page.waitForFunction(() => 'm' in window && 'h' in window);
});
afterAll(async () => {
  await page?.close();
  await proxy?.close();
});

type Fault = 'slowHandshake' | 'drop' | 'refuseHandles' | 'close1000' | 'close1011' | 'close1008' | 'heal';
type Step = { page: ModelStep } | { fault: Fault };

const pageSteps: ModelStep[] = ['talk', 'end', 'restart', 'destroy', 'type', 'speak', 'far', 'approaching', 'inside'];
const faults: Fault[] = ['slowHandshake', 'drop', 'refuseHandles', 'close1000', 'close1011', 'close1008', 'heal'];
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...pageSteps).map((page) => ({ page })) },
  { weight: 1, arbitrary: fc.constantFrom(...faults).map((fault) => ({ fault })) },
);

function inject(fault: Fault): void {
  if (fault === 'slowHandshake') proxy.set({ handshakeDelayMs: 700 });
  else if (fault === 'drop') proxy.dropAll();
  else if (fault === 'refuseHandles') proxy.set({ refuseHandles: true });
  else if (fault === 'close1000') proxy.closeAll(1000, '');
  else if (fault === 'close1011') proxy.closeAll(1011, 'Internal error occurred.');
  else if (fault === 'close1008') proxy.closeAll(1008, 'Operation is not implemented, or supported, or enabled.');
  else proxy.reset();
}

async function until(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 6000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const pageState = () =>
  page.evaluate(() => ({
    sockets: window.h.alive().sockets,
    untyped: window.m.untyped,
    pushed: window.m.pushedSamples,
    droppedMs: window.m.droppedMs,
  }));

/** One sequence in a fresh game (same page); throws (with what broke) when an invariant fails. */
async function runSequence(steps: Step[]): Promise<void> {
  proxy.reset();
  pageErrors.length = 0;
  {
    const audioBefore = proxy.counts.audioSamples;
    await page.evaluate(
      (url) => window.m.start({ backend: 'emulator', emulatorUrl: url, microphone: false, autoTalk: true, greet: false }),
      proxy.url,
    );
    const t0 = Date.now();
    for (const step of steps) {
      if ('fault' in step) inject(step.fault);
      else await page.evaluate((s) => window.m.step(s), step.page);
      const s = await pageState();
      expect(s.sockets, `sockets open after ${JSON.stringify(step)}`).toBeLessThanOrEqual(1);
      expect(s.untyped).toEqual([]);
      expect(pageErrors).toEqual([]);
    }
    const t1 = Date.now();
    // End: no faults, the conversation ended and the player away — nothing open on the emulator.
    proxy.reset();
    await page.evaluate(async () => {
      await window.m.step('far');
      await window.m.step('end');
    });
    await until(async () => proxy.open === 0 && (await emulatorStats()).sessionsOpen === 0, 'no session open after end');
    // The guard still answers a typed line, and closes after.
    const t2 = Date.now();
    expect(await page.evaluate(() => window.m.answersTypedLine())).toBe(true);
    if (process.env.MODEL_TIMING) console.log('steps', t1 - t0, 'end', t2 - t1, 'answer', Date.now() - t2, JSON.stringify(steps));
    await page.evaluate(() => window.m.step('end'));
    await until(async () => proxy.open === 0 && (await emulatorStats()).sessionsOpen === 0, 'no session open after the last end');
    // Every chunk the conversation took reached the emulator or the game heard it was dropped.
    const s = await pageState();
    const reached = proxy.counts.audioSamples - audioBefore;
    expect(
      reached + (s.droppedMs * 16000) / 1000,
      `pushed ${s.pushed}, reached ${reached}, dropped ${s.droppedMs} ms`,
    ).toBeGreaterThanOrEqual(s.pushed);
    expect(s.untyped).toEqual([]);
    expect(pageErrors).toEqual([]);
  }
}

it(
  `${RUNS} random sequences over the plugin's public API with faults: sessions closed, the NPC reachable, nothing lost silently`,
  async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 3, maxLength: 8 }), (steps) => runSequence(steps)),
      { numRuns: RUNS, seed: SEED, endOnFailure: true, ...(PATH ? { path: PATH } : {}) },
    );
  },
  60_000 + RUNS * 20_000,
);
