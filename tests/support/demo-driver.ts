import type { Browser, Page } from 'playwright';

/** Drives the demo game like a player: start, walk, talk; and listens to what it plays. */
export class DemoDriver {
  readonly consoleErrors: string[] = [];

  private constructor(readonly page: Page) {
    page.on('console', (m) => {
      if (m.type() === 'error') this.consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => this.consoleErrors.push(String(e)));
  }

  static async open(
    browser: Browser,
    baseUrl: string,
    options: { initScript?: (() => void) | string; viewport?: { width: number; height: number } } = {},
  ): Promise<DemoDriver> {
    const page = await browser.newPage({ viewport: options.viewport ?? { width: 1280, height: 720 } });
    // Run under tsx (npm run bench), esbuild keeps function names with a `__name` helper that
    // functions passed to page.evaluate then call in the page: give the page a harmless one.
    await page.addInitScript('globalThis.__name ??= (f) => f;');
    if (options.initScript) await page.addInitScript(options.initScript);
    const driver = new DemoDriver(page);
    await page.goto(`${baseUrl}/`);
    await page.click('#start-button');
    await page.waitForFunction(() => {
      const w = window as unknown as { oakvale?: { scene(): { player?: unknown } | null } };
      return !!w.oakvale?.scene()?.player;
    });
    return driver;
  }

  /** Where things are (player, gate, inventory, conversation state). */
  snapshot(): Promise<{ player: { x: number; y: number }; gateOpen: boolean; inventory: string[]; state: string | null }> {
    return this.page.evaluate(() => (window as unknown as { oakvale: { scene(): { snapshot(): never } } }).oakvale.scene().snapshot());
  }

  /** Taps the ground at a world point and waits until the player stops moving. */
  async walkTo(x: number, y: number, tolerance = 8, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = { x: Number.NaN, y: Number.NaN };
    while (Date.now() < deadline) {
      // Tap on screen: the target itself when visible, else as far towards it as the view shows.
      const point = await this.page.evaluate(
        ([wx, wy]) => {
          const w = window as unknown as {
            oakvale: {
              screenOf(x: number, y: number): { x: number; y: number };
              scene(): { player: { x: number; y: number } };
              game: { canvas: HTMLCanvasElement };
            };
          };
          const target = w.oakvale.screenOf(wx as number, wy as number);
          const p = w.oakvale.scene().player;
          const from = w.oakvale.screenOf(p.x, p.y);
          const r = w.oakvale.game.canvas.getBoundingClientRect();
          const m = 40;
          let t = 1;
          const dx = target.x - from.x;
          const dy = target.y - from.y;
          if (target.x < r.left + m) t = Math.min(t, (r.left + m - from.x) / dx);
          if (target.x > r.right - m) t = Math.min(t, (r.right - m - from.x) / dx);
          if (target.y < r.top + m) t = Math.min(t, (r.top + m - from.y) / dy);
          if (target.y > r.bottom - m) t = Math.min(t, (r.bottom - m - from.y) / dy);
          return { x: from.x + dx * t, y: from.y + dy * t };
        },
        [x, y],
      );
      await this.page.mouse.click(point.x, point.y);
      await this.page.waitForTimeout(400);
      const { player } = await this.snapshot();
      if (Math.hypot(player.x - x, player.y - y) <= tolerance) return;
      if (Math.hypot(player.x - last.x, player.y - last.y) < 0.5)
        throw new Error(`stuck at ${player.x.toFixed(0)},${player.y.toFixed(0)} walking to ${x},${y}`);
      last = player;
    }
    throw new Error(`did not reach ${x},${y}`);
  }

  /** Walks to just south of a villager (in talking range); `below` is how far south (world px). */
  async walkToNpc(id: string, below = 22): Promise<void> {
    const at = await this.page.evaluate((npc) => {
      const s = (
        window as unknown as { oakvale: { scene(): { handles: Map<string, { gameObject: { x: number; y: number } }> } } }
      ).oakvale.scene();
      const g = s.handles.get(npc)?.gameObject as { x: number; y: number };
      return { x: g.x, y: g.y };
    }, id);
    await this.walkTo(at.x, at.y + below);
  }

  /** Starts recording the game's final mix (Phaser's master volume node) on the audio thread. */
  async recordOutput(): Promise<void> {
    await this.page.evaluate(recordDemoMix);
  }

  /** Loudest 50 ms RMS of the recording since frame `from`. */
  loudestSince(from: number): Promise<number> {
    return this.page.evaluate(loudestInDemoMix, from);
  }

  recordedFrames(): Promise<number> {
    return this.page.evaluate(() => (window as unknown as { rec: number[] }).rec.length);
  }

  /** The transcript panel, line by line, as a screen reader would read it. */
  transcript(): Promise<string[]> {
    return this.page.$$eval('#transcript-list li', (items) => items.map((li) => li.textContent?.trim() ?? ''));
  }

  state(): Promise<string | undefined> {
    return this.page.evaluate(() => document.body.dataset.conversation);
  }

  async waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (await check()) return;
      await this.page.waitForTimeout(100);
    }
    throw new Error(`timed out waiting for ${what}; state ${await this.state()}; transcript ${JSON.stringify(await this.transcript())}`);
  }
}

/**
 * In the demo page (any browser, passed to its evaluate): starts recording the game's final mix
 * (Phaser's master volume node) on the audio thread into `window.rec`.
 */
export async function recordDemoMix(): Promise<void> {
  const w = window as unknown as {
    oakvale: { game: { sound: { context: AudioContext; masterVolumeNode: AudioNode } } };
    rec: number[];
  };
  const { context, masterVolumeNode } = w.oakvale.game.sound;
  await context.audioWorklet.addModule('/tests/browser/pages/recorder.worklet.js');
  const node = new AudioWorkletNode(context, 'test-recorder', { numberOfInputs: 1, numberOfOutputs: 1, outputChannelCount: [1] });
  w.rec = [];
  node.port.onmessage = (e) => {
    if (e.data.type === 'block') for (const v of e.data.samples as Float32Array) w.rec.push(v);
  };
  masterVolumeNode.connect(node);
  node.connect(context.destination);
}

/** In the demo page: the loudest 50 ms RMS (at 48 kHz) of `window.rec` from frame `from`. */
export function loudestInDemoMix(from: number): number {
  const rec = (window as unknown as { rec: number[] }).rec;
  let best = 0;
  for (let i = from; i + 2400 <= rec.length; i += 2400) {
    let s = 0;
    for (let k = i; k < i + 2400; k++) s += (rec[k] as number) ** 2;
    best = Math.max(best, Math.sqrt(s / 2400));
  }
  return best;
}
