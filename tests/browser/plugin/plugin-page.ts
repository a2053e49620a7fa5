// Shared by the plugin's browser tests: one Chromium per file, the harness page, its event log,
// and the emulator's counters from the dev server that serves both.
import type { Browser, Page } from 'playwright';
import { afterAll, beforeAll, inject } from 'vitest';
import { launchTestBrowser, type TestBrowserOptions } from '../../support/chromium.ts';

export const baseUrl = inject('baseUrl');
export const fixtures = inject('fixtures');

export type Logged = { t: number; kind: string; data: Record<string, unknown> };

/** Launches Chromium for this file (closed after it); the fake microphone plays the plugin fixture once. */
export function useBrowser(options: TestBrowserOptions = { microphoneWav: fixtures.pluginMic, noLoop: true }): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchTestBrowser(options);
  });
  afterAll(async () => browser?.close());
  return () => {
    if (!browser) throw new Error('useBrowser: the browser is not launched yet');
    return browser;
  };
}

/** Opens the harness page and boots the game with `config` (the plugin's configure()). */
export async function openHarness(
  browser: Browser,
  config: Record<string, unknown> = {},
  options: { longGreeting?: boolean; playerAt?: { x: number; y: number }; beforeBoot?: (page: Page) => Promise<void> } = {},
): Promise<Page> {
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error('page error:', e));
  const { beforeBoot, ...bootOptions } = options;
  await beforeBoot?.(page);
  await page.goto(`${baseUrl}/tests/browser/pages/plugin.html`);
  await page.waitForFunction(() => 'h' in window);
  await page.evaluate(([c, o]) => window.h.boot(c, o), [config, bootOptions] as const);
  return page;
}

export const logOf = (page: Page) => page.evaluate(() => window.h.log as Logged[]);

export const npcLines = (log: Logged[]) =>
  log.filter((l) => l.kind === 'transcript' && l.data.speaker === 'npc' && l.data.final).map((l) => l.data.text);

export const states = (log: Logged[]) => log.filter((l) => l.kind === 'state').map((l) => l.data.state as string);

/** Polls the page's event log until `check` holds. */
export async function waitFor(page: Page, check: (log: Logged[]) => boolean, timeoutMs = 20_000): Promise<Logged[]> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const log = await logOf(page);
    if (check(log)) return log;
    await page.waitForTimeout(100);
  }
  throw new Error(`timed out; log: ${JSON.stringify((await logOf(page)).map((l) => `${l.kind}:${JSON.stringify(l.data)}`))}`);
}

/** What the emulator behind the dev server has counted (src/emulator/stats.ts), all sessions together. */
export interface EmulatorCounters {
  sessionsOpen: number;
  sessionsTotal: number;
  videoFrames: number;
  recentVideoFrames: { atMs: number; mimeType: string; bytes: number; width: number | null; height: number | null }[];
  audioStreamEnds: number;
  audioSeconds: number;
}

/** Polls the emulator's counters until `check` holds. */
export async function waitForStats(check: (s: EmulatorCounters) => boolean, timeoutMs = 10_000): Promise<EmulatorCounters> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const stats = await emulatorStats();
    if (check(stats)) return stats;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting on the emulator; stats: ${JSON.stringify({ ...stats, recentVideoFrames: undefined })}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function emulatorStats(): Promise<EmulatorCounters> {
  const res = await fetch(`${baseUrl}/emulator/stats`);
  if (!res.ok) throw new Error(`/emulator/stats answered ${res.status}`);
  return (await res.json()) as EmulatorCounters;
}
