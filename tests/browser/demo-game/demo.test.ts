import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { launchTestBrowser } from '../../support/chromium.ts';
import { DemoDriver } from '../../support/demo-driver.ts';

const baseUrl = inject('baseUrl');
const fixtures = inject('fixtures');
const browsers: Browser[] = [];
afterAll(async () => {
  for (const b of browsers) await b.close();
});
async function browser(options: Parameters<typeof launchTestBrowser>[0]): Promise<Browser> {
  const b = await launchTestBrowser(options);
  browsers.push(b);
  return b;
}

const GUARD_GREETING = 'Halt! Who goes there? State your name and your business in Oakvale.';

describe('the demo village (real Chromium, dev server with the emulator)', () => {
  it('loads without console errors and looks like a village', async () => {
    const demo = await DemoDriver.open(await browser({ microphoneWav: fixtures.demoMic, noLoop: true }), baseUrl);
    await demo.page.waitForTimeout(800);
    mkdirSync('test-results', { recursive: true });
    await demo.page.screenshot({ path: 'test-results/village.png' });
    expect(demo.consoleErrors).toEqual([]);
    const canvas = await demo.page.$('#game canvas');
    expect(canvas).not.toBeNull();
    expect(await demo.page.getAttribute('#transcript-list', 'aria-live')).toBe('polite');
    await demo.page.close();
  });

  it('walk to the guard, talk by voice: her reply is audible, the transcript shows it, back to listening', async () => {
    const demo = await DemoDriver.open(await browser({ microphoneWav: fixtures.demoMic, noLoop: true }), baseUrl);
    await demo.recordOutput();
    await demo.walkToNpc('guard');
    await demo.page.keyboard.press('e');
    await demo.waitFor(async () => (await demo.transcript()).some((l) => l === `Edda: ${GUARD_GREETING}`), 'the greeting');
    const before = await demo.recordedFrames();
    // The fake microphone asks its question at 6 s; the guard answers.
    await demo.waitFor(
      async () => (await demo.transcript()).includes('Edda: The gate stays shut after dark, unless you give me a good reason.'),
      'the answer',
    );
    await demo.waitFor(async () => (await demo.state()) === 'listening', 'listening again');
    expect(await demo.loudestSince(before)).toBeGreaterThan(0.02);
    expect(demo.consoleErrors).toEqual([]);
    await demo.page.close();
  });

  it('barge-in: speaking while the guard speaks stops her', async () => {
    const demo = await DemoDriver.open(await browser({ microphoneWav: fixtures.demoBargeIn, noLoop: true }), baseUrl);
    await demo.walkToNpc('guard');
    await demo.page.keyboard.press('e');
    await demo.waitFor(
      async () =>
        (await demo.state()) === 'interrupted' ||
        (await demo.transcript()).some((l) => l.startsWith('Edda: Halt!') && l !== `Edda: ${GUARD_GREETING}`),
      'the interruption',
    );
    const lines = await demo.transcript();
    const greeting = lines.find((l) => l.startsWith('Edda: Halt!')) as string;
    expect(greeting.length).toBeLessThan(`Edda: ${GUARD_GREETING}`.length); // cut short
    await demo.waitFor(
      async () => (await demo.transcript()).filter((l) => l.startsWith('Edda:')).length >= 2,
      'the answer to the interruption',
    );
    await demo.page.close();
  });

  it('microphone denied: a clear message, and typing "please open the gate" opens it — the path beyond is walkable', async () => {
    const demo = await DemoDriver.open(await browser({ denyMicrophone: true }), baseUrl);
    await demo.walkToNpc('guard');
    await demo.page.keyboard.press('e');
    await demo.page.waitForSelector('.banner');
    expect(await demo.page.textContent('.banner')).toMatch(/microphone/i);
    await demo.page.fill('#say-input', 'please open the gate');
    await demo.page.press('#say-input', 'Enter');
    await demo.waitFor(async () => (await demo.snapshot()).gateOpen, 'the gate to open');
    expect(await demo.transcript()).toContain('You: please open the gate');
    await demo.waitFor(async () => (await demo.transcript()).includes('Edda: There. The gate is open. Go on through.'), 'Edda to say so');
    await demo.page.keyboard.press('Escape');
    await demo.walkTo(19 * 16 + 8, 5 * 16 + 8, 10); // through the gate, to the meadow
    expect((await demo.snapshot()).player.y).toBeLessThan(7 * 16);
    expect(await demo.page.evaluate(() => document.body.dataset.shrine)).toBe('reached');
    await demo.page.close();
  });

  it('a browser without AudioWorklet: talking gets the typed unsupported error, and the demo says so on screen', async () => {
    const demo = await DemoDriver.open(await browser({ microphoneWav: fixtures.demoMic, noLoop: true }), baseUrl, {
      initScript: () => {
        // biome-ignore lint/suspicious/noExplicitAny: deleting a global the page would otherwise have
        delete (window as any).AudioWorkletNode;
      },
    });
    const code = await demo.page.evaluate(async () => {
      const s = (window as unknown as { oakvale: { scene(): { npcVoice: { talkTo(id: string): Promise<unknown> } } } }).oakvale.scene();
      try {
        await s.npcVoice.talkTo('guard');
        return 'resolved';
      } catch (e) {
        return `${(e as { code?: string }).code}: ${(e as Error).message}`;
      }
    });
    expect(code).toMatch(/^unsupported: .*no AudioWorklet/);
    await demo.page.evaluate(() => {
      const s = (
        window as unknown as { oakvale: { scene(): { talk(npc: unknown): Promise<unknown>; handles: Map<string, unknown> } } }
      ).oakvale.scene();
      void s.talk(s.handles.get('guard'));
    });
    await demo.page.waitForSelector('.card.error');
    expect(await demo.page.textContent('.card.error h1')).toBe('No voices in this browser');
    expect(await demo.page.textContent('.card.error p')).toMatch(/no AudioWorklet/);
    await demo.page.close();
  });
});
