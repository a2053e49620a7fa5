// The plugin in a real Phaser scene in Firefox ESR and WebKitGTK (Chromium's own file is
// plugin.test.ts): a voice turn, subtitles in playback order, barge-in, and a clean destroy. The
// player's speech is scripted into the conversation (the harness's speak()): WebKit has no
// microphone here, and Firefox's is proven by the demo's test.
import { afterAll, describe, expect, it } from 'vitest';
import { browserPool, type TestPage, transportsOf } from '../../support/browsers.ts';
import { baseUrl, fixtures, type Logged, npcLines } from './plugin-page.ts';

const pool = browserPool();
afterAll(() => pool.closeAll());

const GREETING = 'Halt! Who goes there?';
const ANSWER = 'The gate stays shut after dark.';

// On each transport the browser allows: Firefox's page served without COOP/COEP (`?coi=0`) has no
// SharedArrayBuffer and takes the message path; WebKitGTK has none either way.
const runs = (['firefox', 'webkit'] as const).flatMap((b) => transportsOf(b).map((t) => [b, t] as const));

describe.each(runs)('NpcVoicePlugin in a Phaser 4 scene in %s (%s path)', (browserName, transport) => {
  /** Opens the harness page and boots the game with `config`; the page, and its context's rate. */
  async function open(config: Record<string, unknown>, options: { longGreeting?: boolean } = {}) {
    const browser = await pool.use(browserName);
    const page = await browser.newPage(`${baseUrl}/tests/browser/pages/plugin.html${transport === 'message' ? '?coi=0' : ''}`);
    await page.waitFor(() => 'h' in window);
    expect(await page.evaluate(() => typeof SharedArrayBuffer === 'function' && crossOriginIsolated, null)).toBe(transport === 'shared');
    const { sampleRate } = await page.evaluate(([c, o]) => window.h.boot(c, o), [config, options] as const);
    return { page, rate: sampleRate };
  }

  async function waitForLog(page: TestPage, check: (log: Logged[]) => boolean, timeoutMs = 20_000): Promise<Logged[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const log = (await page.evaluate(() => window.h.log, null)) as Logged[];
      if (check(log)) return log;
      if (Date.now() > deadline)
        throw new Error(`timed out; log: ${JSON.stringify(log.map((l) => `${l.kind}:${JSON.stringify(l.data)}`))}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  const isState = (state: string) => (log: Logged[]) => log.some((l) => l.kind === 'state' && l.data.state === state);

  it('greets, hears a spoken question, answers audibly in the game’s mix, with subtitles in playback order', async () => {
    const { page, rate } = await open({ microphone: false });
    await page.evaluate(() => window.h.talk(), null);
    expect(await page.evaluate(() => window.h.plugin().voiceStats?.transport, null)).toBe(transport);
    await waitForLog(page, (l) => npcLines(l).length >= 1 && l.at(-1)?.data.state !== 'speaking');
    await page.evaluate((url) => window.h.speak(url), fixtures.urls.question16k);
    const log = await waitForLog(page, (l) => npcLines(l).length >= 2 && l.at(-1)?.data.state !== 'speaking');
    expect(npcLines(log).slice(0, 2)).toEqual([GREETING, ANSWER]);
    const mix = await page.evaluate(() => {
      let loudest = 0;
      for (let i = 0; i + 4800 < window.h.recording.length; i += 4800) loudest = Math.max(loudest, window.h.rms(i, i + 4800));
      return { loudest, frames: window.h.recording.length };
    }, null);
    expect(mix.frames).toBeGreaterThan(rate * 3);
    expect(mix.loudest).toBeGreaterThan(0.02);
    // Within each utterance the subtitle only grows, and each final one is the whole line.
    const subs = log.filter((l) => l.kind === 'subtitle').map((l) => l.data as { text: string; final: boolean });
    let previous = '';
    for (const s of subs) {
      expect(s.text.startsWith(previous), `"${s.text}" after "${previous}"`).toBe(true);
      previous = s.final ? '' : s.text;
    }
    expect(subs.filter((s) => s.final).map((s) => s.text.trim())).toEqual([GREETING, ANSWER]);
    const states = log.filter((l) => l.kind === 'state').map((l) => l.data.state);
    expect(states).toEqual(expect.arrayContaining(['connecting', 'thinking', 'speaking', 'listening', 'userSpeaking']));
    expect(await page.evaluate(() => window.h.errors, null)).toEqual([]);
    await page.close();
  });

  it('barge-in: speaking over the guard clears its voice at once, and it answers', async () => {
    const { page, rate } = await open({ microphone: false }, { longGreeting: true });
    await page.evaluate(() => window.h.talk(), null);
    await waitForLog(page, isState('speaking'));
    await new Promise((r) => setTimeout(r, 600)); // let the greeting be heard for a while first
    await page.evaluate((url) => window.h.speak(url), fixtures.urls.bargeIn16k);
    await waitForLog(page, isState('interrupted'));
    await new Promise((r) => setTimeout(r, 300));
    // From just after the interruption (stamped on the audio thread) the mix is silent until the reply.
    const r = await page.evaluate((rate) => {
      const at = window.h.marks.interrupted as number;
      const ms = (n: number) => Math.round((n * rate) / 1000);
      let before = 0;
      for (let i = Math.max(0, at - ms(300)); i + ms(50) <= at; i += ms(25)) before = Math.max(before, window.h.rms(i, i + ms(50)));
      return { at, before, after: window.h.rms(at + ms(10), at + ms(110)) };
    }, rate);
    expect(r.at).toBeGreaterThan(rate * 0.3);
    expect(r.before).toBeGreaterThan(0.01); // it was speaking just before…
    expect(r.after).toBeLessThan(0.002); // …and is silent from 10 ms after
    await waitForLog(page, (l) => npcLines(l).length >= 2);
    expect(await page.evaluate(() => window.h.errors, null)).toEqual([]);
    await page.close();
  });

  it('destroying the game mid-conversation closes its socket and its worklets', async () => {
    const { page } = await open({ microphone: false });
    await page.evaluate(() => window.h.talk(), null);
    await waitForLog(page, (l) => npcLines(l).length >= 1);
    expect(await page.evaluate(() => window.h.alive(), null)).toMatchObject({ sockets: 1 });
    await page.evaluate(() => window.h.destroyGame(), null);
    expect(await page.evaluate(() => window.h.alive(), null)).toMatchObject({ sockets: 0, worklets: 0, liveTracks: 0 });
    expect(await page.evaluate(() => window.h.errors, null)).toEqual([]);
    await page.close();
  });
});
