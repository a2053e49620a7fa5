import { describe, expect, it } from 'vitest';
import { emulatorStats, type Logged, npcLines, openHarness, states, useBrowser, waitFor, waitForStats } from './plugin-page.ts';

const browser = useBrowser({});

// The guard stands at (400, 300) with the default talk radius of 96: the early zone reaches
// 1.8 × 96 ≈ 173, leaving takes 1.2 × 96 ≈ 115, departing 1.2 × 173 ≈ 207.
const FAR = { x: 700, y: 300 };
const APPROACHING = { x: 550, y: 300 };
const INSIDE = { x: 460, y: 300 };

const proximity = (log: Logged[]) => log.filter((l) => l.kind === 'proximity').map((l) => l.data.type as string);

describe('autoTalk and earlyConnect: conversations started and ended by walking', () => {
  it('connects ahead on approach, talks on entering over that same socket, ends on leaving', async () => {
    const page = await openHarness(browser(), { microphone: false, autoTalk: true }, { playerAt: FAR });
    const before = await emulatorStats();
    await page.evaluate((p) => window.h.movePlayer(p.x, p.y), APPROACHING);
    await waitFor(page, (l) => proximity(l).includes('approach'));
    const prepared = await waitForStats((s) => s.sessionsTotal === before.sessionsTotal + 1);
    expect(prepared.sessionsOpen).toBeGreaterThan(0);
    expect(states(await waitFor(page, () => true))).toEqual([]); // connected, not talking yet

    await page.evaluate((p) => window.h.movePlayer(p.x, p.y), INSIDE);
    const greeted = await waitFor(page, (l) => npcLines(l).length >= 1);
    expect(proximity(greeted)).toEqual(['approach', 'enter']);
    expect(npcLines(greeted)[0]).toBe('Halt! Who goes there?');
    expect(states(greeted)).toEqual(expect.arrayContaining(['speaking']));
    expect((await emulatorStats()).sessionsTotal).toBe(before.sessionsTotal + 1); // the socket opened on approach

    await page.evaluate((p) => window.h.movePlayer(p.x, p.y), APPROACHING);
    const left = await waitFor(page, (l) => states(l).includes('ended'));
    expect(proximity(left)).toEqual(['approach', 'enter', 'leave']);
    await page.evaluate((p) => window.h.movePlayer(p.x, p.y), FAR);
    await waitFor(page, (l) => proximity(l).includes('depart'));
    await waitForStats((s) => s.sessionsOpen <= before.sessionsOpen);
    await page.close();
  });

  it('walking away without entering closes the prepared socket', async () => {
    const page = await openHarness(browser(), { microphone: false, autoTalk: true }, { playerAt: FAR });
    const before = await emulatorStats();
    await page.evaluate((p) => window.h.movePlayer(p.x, p.y), APPROACHING);
    await waitForStats((s) => s.sessionsTotal === before.sessionsTotal + 1 && s.sessionsOpen > before.sessionsOpen);
    await page.evaluate((p) => window.h.movePlayer(p.x, p.y), FAR);
    const log = await waitFor(page, (l) => proximity(l).includes('depart'));
    expect(proximity(log)).toEqual(['approach', 'depart']);
    const after = await waitForStats((s) => s.sessionsOpen <= before.sessionsOpen);
    expect(after.sessionsTotal).toBe(before.sessionsTotal + 1);
    expect(states(log)).toEqual([]); // no conversation was started
    expect(await page.evaluate(() => window.h.alive().sockets)).toBe(0);
    await page.close();
  });

  it('with earlyConnect: false the socket opens only on entering', async () => {
    const page = await openHarness(browser(), { microphone: false, autoTalk: true, earlyConnect: false }, { playerAt: FAR });
    const before = await emulatorStats();
    await page.evaluate((p) => window.h.movePlayer(p.x, p.y), APPROACHING);
    await waitFor(page, (l) => proximity(l).includes('approach'));
    await page.waitForTimeout(500);
    expect((await emulatorStats()).sessionsTotal).toBe(before.sessionsTotal);
    await page.evaluate((p) => window.h.movePlayer(p.x, p.y), INSIDE);
    await waitFor(page, (l) => npcLines(l).length >= 1);
    expect((await emulatorStats()).sessionsTotal).toBe(before.sessionsTotal + 1);
    await page.close();
  });
});
