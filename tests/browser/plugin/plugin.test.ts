import { describe, expect, it } from 'vitest';
import { fixtures, npcLines, openHarness, useBrowser, waitFor } from './plugin-page.ts';

const browser = useBrowser();
const open = (config: Record<string, unknown> = {}, options: { longGreeting?: boolean } = {}) => openHarness(browser(), config, options);

describe('NpcVoicePlugin in a real Phaser 4 scene, on the emulator served by the dev server', () => {
  it('hears the fake microphone, answers audibly in the game’s mix, with subtitles in playback order', async () => {
    const page = await open();
    const { sampleRate } = await page.evaluate(() => ({ sampleRate: 48000 }));
    await page.evaluate(() => window.h.talk());
    const log = await waitFor(page, (l) => npcLines(l).length >= 2 && l.at(-1)?.data.state !== 'speaking');
    expect(npcLines(log).slice(0, 2)).toEqual(['Halt! Who goes there?', 'The gate stays shut after dark.']);
    // Audible: the recorded mix has speech energy.
    const frames = await page.evaluate(() => window.h.recordedFrames());
    expect(frames).toBeGreaterThan(sampleRate * 3);
    const loudest = await page.evaluate(() => {
      let best = 0;
      for (let i = 0; i + 4800 < window.h.recording.length; i += 4800) best = Math.max(best, window.h.rms(i, i + 4800));
      return best;
    });
    expect(loudest).toBeGreaterThan(0.02);
    // Subtitles: within each utterance the text only grows, and the final one is the whole line.
    const subs = log.filter((l) => l.kind === 'subtitle').map((l) => l.data as { text: string; final: boolean });
    let previous = '';
    for (const s of subs) {
      if (!s.text.startsWith(previous)) previous = '';
      expect(s.text.startsWith(previous)).toBe(true);
      previous = s.final ? '' : s.text;
    }
    expect(subs.filter((s) => s.final).map((s) => s.text.trim())).toEqual(npcLines(log).slice(0, 2));
    // Player and NPC states went round the loop.
    const states = log.filter((l) => l.kind === 'state').map((l) => l.data.state);
    expect(states).toEqual(expect.arrayContaining(['connecting', 'thinking', 'speaking', 'listening', 'userSpeaking']));
    await page.close();
  });

  it('sound.mute silences the NPC while it is still speaking', async () => {
    const page = await open({ microphone: false });
    await page.evaluate(() => window.h.setMute(true));
    await page.evaluate(() => window.h.talk());
    await waitFor(page, (l) => l.some((x) => x.kind === 'state' && x.data.state === 'speaking'));
    await page.waitForTimeout(400);
    const level = await page.evaluate(() => window.h.guardLevel());
    const from = await page.evaluate(() => window.h.mark());
    await page.waitForTimeout(400);
    const rms = await page.evaluate((f) => window.h.rms(f, f + 19200), from);
    expect(level).toBeGreaterThan(0.01); // the voice is playing…
    expect(rms).toBeLessThan(1e-4); // …and nothing reaches the speakers
    await page.close();
  });

  it('barge-in: speaking over the guard clears its voice at once', async () => {
    const page = await open({ microphone: false }, { longGreeting: true });
    await page.evaluate(() => window.h.talk());
    await waitFor(page, (l) => l.some((x) => x.kind === 'state' && x.data.state === 'speaking'));
    await page.waitForTimeout(600); // let the greeting be heard for a while first
    await page.evaluate((url) => window.h.speak(url), fixtures.urls.bargeIn16k);
    await waitFor(page, (l) => l.some((x) => x.kind === 'state' && x.data.state === 'interrupted'));
    await page.waitForTimeout(300);
    // From just after the interruption (stamped on the audio thread) the mix is silent until the reply.
    const { at, length, before, after } = await page.evaluate(() => {
      const at = window.h.marks.interrupted as number;
      let loudest = 0;
      for (let i = Math.max(0, at - 14400); i + 2400 <= at; i += 1200) loudest = Math.max(loudest, window.h.rms(i, i + 2400));
      return { at, length: window.h.recording.length, before: loudest, after: window.h.rms(at + 480, at + 480 + 4800) };
    });
    expect(at, `recording of ${length}`).toBeGreaterThan(14400);
    expect(before).toBeGreaterThan(0.01); // it was speaking just before…
    expect(after).toBeLessThan(0.002); // …and is silent from 10 ms after
    await waitFor(page, (l) => npcLines(l).length >= 2);
    await page.close();
  });

  it('scene stop/start leaves no sockets, worklets, microphone tracks or listeners behind; destroy releases everything', async () => {
    const page = await open({ microphone: false });
    const baseline = await page.evaluate(() => window.h.alive());
    await page.evaluate(() => window.h.talk());
    await waitFor(page, (l) => npcLines(l).length >= 1);
    const during = await page.evaluate(() => window.h.alive());
    expect(during.sockets).toBe(1);
    expect(during.worklets).toBeGreaterThanOrEqual(1);
    await page.evaluate(() => window.h.stopScene());
    const stopped = await page.evaluate(() => window.h.alive());
    // A stopped scene: the plugin's game-level listener is gone too (it comes back on start).
    expect(stopped).toEqual({
      ...baseline,
      sceneUpdateListeners: stopped.sceneUpdateListeners,
      gameHiddenListeners: baseline.gameHiddenListeners - 1,
    });
    await page.evaluate(() => window.h.startScene());
    await page.evaluate(() => window.h.talk());
    await waitFor(page, (l) => npcLines(l).length >= 2);
    await page.evaluate(() => window.h.stopScene());
    await page.evaluate(() => window.h.startScene());
    const restarted = await page.evaluate(() => window.h.alive());
    expect(restarted).toEqual(baseline);
    await page.evaluate(() => window.h.talk());
    await page.evaluate(() => window.h.destroyGame());
    expect(await page.evaluate(() => window.h.alive())).toMatchObject({ sockets: 0, worklets: 0, liveTracks: 0 });
    await page.close();
  });

  it('scene.restart() during a conversation: the old run closes its session without touching the new scene’s NPCs', async () => {
    const page = await open({ microphone: false });
    await page.evaluate(() => window.h.talk());
    await waitFor(page, (l) => npcLines(l).length >= 1);
    await page.evaluate(() => window.h.restartScene());
    expect((await page.evaluate(() => window.h.alive())).sockets).toBe(0);
    await expect(page.evaluate(() => window.h.talk())).resolves.toBeTruthy();
    expect((await page.evaluate(() => window.h.alive())).sockets).toBe(1);
    await page.close();
  });

  it('a scene stopped while a conversation is starting abandons it: no socket opens, Phaser gets pauseOnBlur back', async () => {
    const page = await open({ microphone: false, onBlur: 'continue' });
    const { outcome, pauseOnBlur } = await page.evaluate(() => window.h.stopWhileStarting());
    expect(outcome).toBe('invalid-state');
    expect(pauseOnBlur).toBe(true);
    expect((await page.evaluate(() => window.h.alive())).sockets).toBe(0);
    await page.close();
  });

  it('the microphone path releases its tracks (the microphone and its raw twin) when the conversation ends', async () => {
    const page = await open();
    await page.evaluate(() => window.h.talk());
    const alive = await page.evaluate(() => window.h.alive());
    expect([alive.liveTracks, alive.liveRawTracks]).toEqual([2, 1]);
    await page.evaluate(() => window.h.endConversation());
    expect((await page.evaluate(() => window.h.alive())).liveTracks).toBe(0);
    await page.close();
  });
});
