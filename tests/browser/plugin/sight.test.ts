import { describe, expect, it } from 'vitest';
import { type EmulatorCounters, emulatorStats, openHarness, useBrowser } from './plugin-page.ts';

const browser = useBrowser({});

type Frame = EmulatorCounters['recentVideoFrames'][number];
const framesSince = (stats: EmulatorCounters, before: EmulatorCounters): Frame[] =>
  stats.recentVideoFrames.slice(stats.recentVideoFrames.length - (stats.videoFrames - before.videoFrames));
const meanBytes = (frames: Frame[]) => frames.reduce((sum, f) => sum + f.bytes, 0) / frames.length;

describe('sight: game frames as realtime video input while talking', () => {
  it('sends JPEGs of the square around the NPC at the configured rate, size and quality; none after endConversation', async () => {
    const sight = { fps: 2, region: 'npc' as const, size: 160, quality: 0.3 };
    const page = await openHarness(browser(), { microphone: false, sight });
    const before = await emulatorStats();
    await page.evaluate(() => window.h.talk());
    await page.waitForTimeout(3000);
    const talking = await emulatorStats();
    await page.evaluate(() => window.h.endConversation());
    const ended = await emulatorStats();
    await page.waitForTimeout(1500);
    const later = await emulatorStats();

    const frames = framesSince(talking, before);
    expect(frames.length).toBeGreaterThanOrEqual(6 - 1); // 3 s at 2 frames a second, ±1
    expect(frames.length).toBeLessThanOrEqual(6 + 1);
    for (const f of frames) expect(f).toMatchObject({ mimeType: 'image/jpeg', width: 160, height: 160 });
    const spanMs = (frames.at(-1) as Frame).atMs - (frames[0] as Frame).atMs;
    expect(spanMs / (frames.length - 1)).toBeGreaterThan(400); // 500 ms apart
    expect(spanMs / (frames.length - 1)).toBeLessThan(600);
    expect(later.videoFrames).toBe(ended.videoFrames); // nothing between conversations

    // The same square at a higher quality makes bigger JPEGs.
    await page.evaluate((s) => window.h.configure({ sight: s }), { ...sight, quality: 0.95 });
    const again = await emulatorStats();
    await page.evaluate(() => window.h.talk());
    await page.waitForTimeout(1700);
    await page.evaluate(() => window.h.endConversation());
    const fine = framesSince(await emulatorStats(), again);
    await page.close();
    expect(fine.length).toBeGreaterThanOrEqual(2);
    expect(meanBytes(fine)).toBeGreaterThan(meanBytes(frames) * 1.2);
  });

  it('sends none with sight off; the whole canvas at 1 frame a second by default', async () => {
    const page = await openHarness(browser(), { microphone: false });
    const before = await emulatorStats();
    await page.evaluate(() => window.h.talk());
    await page.waitForTimeout(2000);
    await page.evaluate(() => window.h.endConversation());
    const off = await emulatorStats();
    expect(off.sessionsTotal).toBeGreaterThan(before.sessionsTotal); // a conversation did run…
    expect(off.videoFrames).toBe(before.videoFrames); // …with no frames

    await page.evaluate(() => window.h.configure({ sight: {} }));
    await page.evaluate(() => window.h.talk());
    await page.waitForTimeout(3000);
    const on = await emulatorStats();
    await page.evaluate(() => window.h.endConversation());
    await page.close();
    const frames = framesSince(on, off);
    expect(frames.length).toBeGreaterThanOrEqual(3 - 1); // 3 s at the default 1 frame a second, ±1
    expect(frames.length).toBeLessThanOrEqual(3 + 1);
    for (const f of frames) expect(f).toMatchObject({ mimeType: 'image/jpeg', width: 800, height: 600 });
  });
});
