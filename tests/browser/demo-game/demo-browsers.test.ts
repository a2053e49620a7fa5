import { mkdirSync } from 'node:fs';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { type BrowserName, browserPool, type TestPage } from '../../support/browsers.ts';
import { loudestInDemoMix, recordDemoMix } from '../../support/demo-driver.ts';

const baseUrl = inject('baseUrl');
const fixtures = inject('fixtures');

const GUARD_GREETING = 'Halt! Who goes there? State your name and your business in Oakvale.';
/** A whole line of Edda's that is not her greeting: it ends on its last punctuation mark. */
const ANSWERED = /^Edda: (?!Halt!).+[.!?]$/;

// Chromium runs the full demo suite in demo.test.ts (walking, barge-in, microphone denied); here
// the same demo in Firefox (microphone: the demo WAV through PulseAudio) and WebKitGTK (no
// microphone to feed under WebKitWebDriver: the greeting and typing only).
const pool = browserPool({ microphoneWav: fixtures.demoMic, noLoop: true, ownSink: true });
afterAll(() => pool.closeAll());

interface Oakvale {
  oakvale: {
    game: { sound: { context: AudioContext; masterVolumeNode: AudioNode } };
    scene(): {
      player?: unknown;
      handles: Map<string, unknown>;
      talk(npc: unknown): Promise<unknown>;
      snapshot(): { gateOpen: boolean };
    } | null;
  };
  rec: number[];
}

async function openDemo(name: BrowserName): Promise<TestPage> {
  const browser = await pool.use(name);
  const page = await browser.newPage(`${baseUrl}/`, { gesture: false });
  // A real (WebDriver / BiDi) click: the gesture that lets WebKit start the game's AudioContext.
  await page.waitFor(() => !!document.getElementById('start-button'));
  await page.click('#start-button');
  await page.waitFor(() => !!(window as unknown as Oakvale).oakvale?.scene()?.player);
  return page;
}

async function transcript(page: TestPage): Promise<string[]> {
  return page.evaluate(() => [...document.querySelectorAll('#transcript-list li')].map((li) => li.textContent?.trim() ?? ''));
}

async function waitForLine(page: TestPage, line: string | RegExp, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const lines = await transcript(page);
    if (lines.some((l) => (typeof line === 'string' ? l === line : line.test(l)))) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}; transcript ${JSON.stringify(await transcript(page))}`);
}

describe.each(['firefox', 'webkit'] as const)('the demo village in %s', (name) => {
  it('loads clean, its sound starts on the start click, and it looks like a village', async () => {
    const page = await openDemo(name);
    // The click resumes the game's context; Firefox's audio backend can take a few seconds to open
    // its stream on a loaded machine, so the state is read once it runs, or after 5 s.
    await page.waitFor(() => (window as unknown as Oakvale).oakvale.game.sound.context.state === 'running', 5000).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 800));
    mkdirSync('test-results', { recursive: true });
    await page.screenshot(`test-results/village-${name}.png`);
    const state = await page.evaluate(() => {
      const w = window as unknown as Oakvale;
      return {
        audio: w.oakvale.game.sound.context.state,
        canvas: !!document.querySelector('#game canvas'),
        fatal: document.querySelector('.card.error')?.textContent ?? null,
        live: document.querySelector('#transcript-list')?.getAttribute('aria-live'),
      };
    });
    expect(state).toEqual({ audio: 'running', canvas: true, fatal: null, live: 'polite' });
    expect(page.errors).toEqual([]);
    await page.close();
  });

  it(`talk to the guard: her greeting is audible${name === 'firefox' ? ', she answers the spoken question' : ''}, and typing opens the gate`, async () => {
    const page = await openDemo(name);
    await page.evaluate(recordDemoMix, null);
    await page.evaluate(() => {
      const scene = (window as unknown as Oakvale).oakvale.scene();
      void scene?.talk(scene.handles.get('guard'));
    }, null);
    if (name === 'firefox') {
      // The microphone's question comes 6 s after capture starts; under load the greeting can start
      // late enough for the question to cut its last words (a barge-in, as it should): her answer
      // to the spoken question is the voice turn under test. Under load the service's detector may
      // also take the question as two turns (seen in CI: her first answer cut by its second half),
      // so the answer is any whole line of hers after the greeting, spoken out to its last word.
      await waitForLine(page, /^Edda: Halt! Who goes there\?/, 'the greeting', 45_000);
      await waitForLine(page, ANSWERED, 'a whole answer to the spoken question');
    } else {
      await waitForLine(page, `Edda: ${GUARD_GREETING}`, 'the greeting', 45_000);
    }
    const loudest = await page.evaluate(loudestInDemoMix, 0);
    expect(loudest).toBeGreaterThan(0.02);
    await page.evaluate(() => {
      const input = document.getElementById('say-input') as HTMLInputElement;
      input.value = 'please open the gate';
      input.form?.requestSubmit();
    });
    await waitForLine(page, 'Edda: There. The gate is open. Go on through.', 'Edda to open the gate');
    expect(await transcript(page)).toContain('You: please open the gate');
    expect(await page.evaluate(() => (window as unknown as Oakvale).oakvale.scene()?.snapshot().gateOpen)).toBe(true);
    expect(page.errors).toEqual([]);
    await page.close();
  }, 120_000);
});
