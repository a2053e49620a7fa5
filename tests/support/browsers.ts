import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import type { Browser as PlaywrightBrowser, Page as PlaywrightPage } from 'playwright';
import type { Browser as PuppeteerBrowser, Page as PuppeteerPage } from 'puppeteer-core';
import type { WebDriver } from 'selenium-webdriver';
import { AcousticLoop } from './acoustic-loop.ts';
import { launchTestBrowser } from './chromium.ts';
import { readWav } from './wav.ts';

/**
 * One small seam over the three engines the tests drive, so a test body runs in each
 * (`describe.each(BROWSERS)`): Chromium through Playwright (as before), Firefox ESR through
 * puppeteer-core over WebDriver BiDi, WebKitGTK's MiniBrowser through WebKitWebDriver with
 * selenium-webdriver. All three from Debian packages; nothing is downloaded at run time.
 */
export type BrowserName = 'chromium' | 'firefox' | 'webkit';

export interface TestPage {
  /** Runs `fn(arg)` in the page and returns its (JSON-serialisable) result. */
  evaluate<A, R>(fn: (arg: A) => R | Promise<R>, arg?: A): Promise<R>;
  /** Waits until `fn()` is truthy in the page. */
  waitFor(fn: () => unknown, timeoutMs?: number): Promise<void>;
  /** A trusted click on the first element matching `selector` (it counts as a user gesture). */
  click(selector: string): Promise<void>;
  screenshot(path: string): Promise<void>;
  /** Uncaught page errors seen so far. */
  readonly errors: string[];
  close(): Promise<void>;
}

export interface TestBrowser {
  readonly name: BrowserName;
  /**
   * Opens `url`. WebKit pages get a trusted click first (its AudioContexts start only after a
   * gesture) unless `gesture: false`, for a test whose own click is the gesture under test.
   */
  newPage(url: string, options?: { gesture?: boolean }): Promise<TestPage>;
  /** Firefox and WebKit: the private PulseAudio room they play into and record from (its default sink and source). */
  readonly room?: AcousticLoop;
  close(): Promise<void>;
}

/**
 * Run under tsx (`npm run bench`), esbuild names inner functions with a `__name` helper that a
 * function sent to the page then calls: every page gets a harmless one.
 */
const NAME_SHIM = 'globalThis.__name ??= (f) => f;';

export interface LaunchOptions {
  /**
   * WAV the microphone hears. Chromium plays it as its fake device; Firefox records it from a
   * PulseAudio source it is played into (a real device path). WebKit has no microphone here.
   */
  microphoneWav?: string;
  /** Play the WAV once rather than looping (Chromium's `%noloop`). */
  noLoop?: boolean;
  /**
   * Firefox/WebKit: play into a sink of their own, so the microphone never hears the page (an NPC
   * would hear itself). Off by default: with it, Firefox's microphone delivered no samples at all
   * (its capture seems to need output and input on one device clock — not yet understood).
   */
  ownSink?: boolean;
}

export const BROWSERS: readonly BrowserName[] = ['chromium', 'firefox', 'webkit'];

export type Transport = 'shared' | 'message';

/** The worklet transports a browser allows: WebKitGTK is cross-origin isolated yet has no SharedArrayBuffer. */
export function transportsOf(name: BrowserName): readonly Transport[] {
  return name === 'webkit' ? ['message'] : ['shared', 'message'];
}

/**
 * One browser at a time per test file (2 cores): `use(name)` closes the one before and launches
 * `name` once; `closeAll()` goes in `afterAll`.
 */
export function browserPool(options: LaunchOptions = {}) {
  let current: TestBrowser | undefined;
  return {
    async use(name: BrowserName): Promise<TestBrowser> {
      if (current?.name === name) return current;
      await current?.close();
      current = undefined;
      current = await launch(name, options);
      return current;
    },
    async closeAll(): Promise<void> {
      await current?.close();
      current = undefined;
    },
  };
}

/** WebKitGTK's MiniBrowser: `$MINIBROWSER_PATH`, else where Debian's libwebkit2gtk package put it (`dpkg -S`). */
export function findMiniBrowser(): string {
  if (process.env.MINIBROWSER_PATH) return process.env.MINIBROWSER_PATH;
  try {
    const out = execFileSync('dpkg', ['-S', '*/MiniBrowser'], { encoding: 'utf8' });
    const path = out
      .split('\n')
      .map((line) => line.split(': ')[1]?.trim())
      .find((p) => p?.endsWith('/MiniBrowser') && /webkit2gtk-4\.[01]\//.test(p));
    if (path) return path;
  } catch {
    // not a Debian system, or not installed
  }
  throw new Error('No WebKitGTK MiniBrowser (Debian: apt-get install -y webkit2gtk-driver), or set MINIBROWSER_PATH.');
}

/** Why `name` cannot run on this machine, or null (used to fail with a remedy, never to skip). */
export function browserUnavailable(name: BrowserName): string | null {
  const has = (cmd: string) => {
    try {
      execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  };
  if (name === 'firefox' && !has('firefox-esr')) return 'no firefox-esr (Debian: apt-get install -y firefox-esr)';
  if (name === 'webkit' && !has('WebKitWebDriver')) return 'no WebKitWebDriver (Debian: apt-get install -y webkit2gtk-driver xvfb)';
  return null;
}

export async function launch(name: BrowserName, options: LaunchOptions = {}): Promise<TestBrowser> {
  const why = browserUnavailable(name);
  if (why) throw new Error(`Cannot test in ${name}: ${why}`);
  if (name === 'chromium') return wrapPlaywright(await launchTestBrowser(options));
  // Firefox crashes creating an AudioContext without a sound server, and MiniBrowser needs an X
  // display: both get a private PulseAudio daemon and Xvfb (the acoustic loop's), stopped on close.
  const room = await AcousticLoop.start();
  try {
    // Not a loop here: the browser plays into a sink of its own, so its microphone (the room's)
    // hears only the WAV played into the room's speakers, never the NPC (that is tests/loop's job).
    if (options.ownSink) {
      const pactl = (...args: string[]) => execFileSync('pactl', args, { env: room.env, stdio: 'ignore' });
      pactl('load-module', 'module-null-sink', 'sink_name=browser_out');
      pactl('set-default-sink', 'browser_out');
    }
    return name === 'firefox' ? await launchFirefox(room, options) : await launchWebKit(room);
  } catch (error) {
    await room.stop();
    throw error;
  }
}

// ——— Chromium (Playwright) ———

function wrapPlaywright(browser: PlaywrightBrowser): TestBrowser {
  return {
    name: 'chromium',
    async newPage(url) {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.addInitScript(NAME_SHIM);
      await page.goto(url);
      return playwrightPage(page, errors);
    },
    close: () => browser.close(),
  };
}

function playwrightPage(page: PlaywrightPage, errors: string[]): TestPage {
  return {
    errors,
    evaluate: (fn, arg) => page.evaluate(fn as never, arg) as never,
    waitFor: async (fn, timeoutMs = 30_000) => void (await page.waitForFunction(fn, undefined, { timeout: timeoutMs })),
    click: (selector) => page.click(selector),
    screenshot: async (path) => void (await page.screenshot({ path })),
    close: () => page.close(),
  };
}

// ——— Firefox (puppeteer-core over WebDriver BiDi) ———

async function launchFirefox(room: AcousticLoop, options: LaunchOptions): Promise<TestBrowser> {
  const { default: puppeteer } = await import('puppeteer-core');
  const browser: PuppeteerBrowser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: '/usr/bin/firefox-esr',
    headless: true,
    env: room.env,
    extraPrefsFirefox: {
      // Allow getUserMedia without a prompt, and sound without a gesture (as Chromium's
      // --autoplay-policy flag does). The microphone is the room's PulseAudio source, not the fake
      // tone device, so it hears the WAV.
      'media.navigator.permission.disabled': true,
      'media.autoplay.default': 0,
      'media.autoplay.block-webaudio': false,
      'media.cubeb.backend': 'pulse',
    },
  });
  // Looping: the WAV plays all along. Once: it starts each time Firefox opens a recording stream,
  // as Chromium's fake device starts its file at each capture.
  const wav = options.microphoneWav;
  const once = wav && options.noLoop ? playOnCapture(room, wav) : undefined;
  const player = wav && !options.noLoop ? loopWav(room, wav) : once;
  return {
    name: 'firefox',
    async newPage(url) {
      once?.arm();
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.evaluateOnNewDocument(NAME_SHIM);
      await page.goto(url);
      return puppeteerPage(page, errors);
    },
    room,
    async close() {
      player?.stop();
      await browser.close();
      await room.stop();
    },
  };
}

function puppeteerPage(page: PuppeteerPage, errors: string[]): TestPage {
  return {
    errors,
    evaluate: (fn, arg) => page.evaluate(fn as never, arg) as never,
    waitFor: async (fn, timeoutMs = 30_000) => void (await page.waitForFunction(fn, { timeout: timeoutMs, polling: 100 })),
    click: (selector) => page.click(selector),
    screenshot: async (path) => void (await page.screenshot({ path: path as `${string}.png` })),
    close: () => page.close(),
  };
}

/**
 * Plays `wav` into the room's speakers (its microphone hears them) over and over without a seam:
 * its samples are written again and again into one `pacat` stream, paced by the pipe (restarting
 * `paplay` at each end left gaps).
 */
function loopWav(room: AcousticLoop, wav: string): { stop(): void } {
  const { samples, sampleRate } = readWav(wav);
  const bytes = Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
  const args = ['--raw', '--format=float32le', `--rate=${sampleRate}`, '--channels=1', '-d', 'room_speakers', '--latency-msec=200'];
  const child = spawn('pacat', args, { env: room.env, stdio: ['pipe', 'ignore', 'ignore'] });
  let stopped = false;
  const feed = () => {
    while (!stopped && child.stdin.write(bytes)) {}
  };
  child.stdin.on('drain', feed);
  child.stdin.on('error', () => {}); // pacat gone (stopped): nothing left to feed
  feed();
  return {
    stop() {
      stopped = true;
      child.kill('SIGTERM');
    },
  };
}

/**
 * Plays `wav` once when the next page opens a recording stream (source output) in the room: `arm()`
 * at each page stops what played for the page before, and the first new stream after it starts the
 * WAV (Firefox may open a second stream for the same capture; that one must not restart it).
 */
function playOnCapture(room: AcousticLoop, wav: string): { arm(): void; stop(): void } {
  const seen = new Set<string>();
  let armed = false;
  let player: ChildProcess | undefined;
  const streams = () => {
    try {
      const out = execFileSync('pactl', ['list', 'short', 'source-outputs'], { env: room.env, encoding: 'utf8' });
      // Only an application's stream: the remapped microphone's own source output has no client.
      return out
        .split('\n')
        .map((line) => line.split('\t'))
        .filter(([id, , client]) => id && client && client !== '-')
        .map(([id]) => id as string);
    } catch {
      return [];
    }
  };
  const timer = setInterval(() => {
    for (const id of streams()) {
      if (seen.has(id)) continue;
      seen.add(id);
      if (!armed) continue;
      armed = false;
      player = spawn('paplay', ['-d', 'room_speakers', '--latency-msec=200', wav], { env: room.env, stdio: 'ignore' });
    }
  }, 20);
  return {
    arm() {
      player?.kill('SIGTERM');
      player = undefined;
      for (const id of streams()) seen.add(id);
      armed = true;
    },
    stop() {
      clearInterval(timer);
      player?.kill('SIGTERM');
    },
  };
}

// ——— WebKitGTK (MiniBrowser through WebKitWebDriver, selenium-webdriver) ———

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function launchWebKit(room: AcousticLoop): Promise<TestBrowser> {
  const { Builder } = await import('selenium-webdriver');
  const port = await freePort();
  const driverProcess = spawn('WebKitWebDriver', [`--port=${port}`], { env: room.env, stdio: 'ignore' });
  const driverGone = new Promise<void>((resolve) => driverProcess.once('exit', () => resolve()));
  let driver: WebDriver | undefined;
  const deadline = Date.now() + 15_000;
  // The driver takes a moment to listen: retry the session until it does.
  for (;;) {
    try {
      driver = await new Builder()
        .usingServer(`http://127.0.0.1:${port}`)
        .withCapabilities({
          browserName: 'MiniBrowser',
          'webkitgtk:browserOptions': {
            binary: findMiniBrowser(),
            // Sound without a gesture, as the other two get: the demo's own gesture test clicks for real.
            args: ['--automation', '--media-playback-requires-user-gesture=false'],
          },
        })
        .build();
      break;
    } catch (error) {
      if (Date.now() > deadline) {
        driverProcess.kill('SIGTERM');
        throw error;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  const d = driver;
  await d.manage().setTimeouts({ script: 120_000, pageLoad: 60_000 });
  // WebDriver drives one window: pages open one at a time, which is how the tests use them.
  return {
    name: 'webkit',
    async newPage(url, options = {}) {
      await d.get(url);
      await d.executeScript(ERROR_COLLECTOR);
      const page = webdriverPage(d);
      if (options.gesture === false) return page;
      // WebKit starts an AudioContext only after a trusted gesture in the page (even with
      // --media-playback-requires-user-gesture=false); once given, later contexts start too. A
      // WebDriver element click is trusted (a script click() is not), so every page gets one —
      // the stand-in for Chromium's --autoplay-policy flag.
      await page.evaluate(() => {
        const button = document.createElement('button');
        button.id = '__test-gesture';
        button.textContent = 'start';
        button.style.cssText = 'position:fixed;left:0;top:0;width:120px;height:60px;z-index:2147483647';
        document.body.append(button);
      }, null);
      await page.click('#__test-gesture');
      await page.evaluate(() => document.getElementById('__test-gesture')?.remove(), null);
      return page;
    },
    room,
    async close() {
      await d.quit().catch(() => undefined);
      driverProcess.kill('SIGTERM');
      await driverGone;
      await room.stop();
    },
  };
}

/**
 * WebDriver has no page-error events: the page collects its own from just after load (an error
 * thrown while the page loads is missed), and each evaluate() brings them back into `errors`.
 */
const ERROR_COLLECTOR = `if (!globalThis.__testErrors) {
  globalThis.__testErrors = [];
  addEventListener('error', (e) => __testErrors.push(String(e.error ?? e.message)));
  addEventListener('unhandledrejection', (e) => __testErrors.push(String(e.reason)));
}`;

function webdriverPage(d: WebDriver): TestPage {
  const page: TestPage = {
    errors: [],
    async evaluate(fn, arg) {
      const result = (await d.executeAsyncScript(
        `${NAME_SHIM}
         ${ERROR_COLLECTOR}
         const done = arguments[arguments.length - 1];
         Promise.resolve().then(() => (${fn.toString()})(arguments[0]))
           .then((value) => done({ value, errors: __testErrors }), (e) => done({ error: String(e && e.stack || e), errors: __testErrors }));`,
        arg ?? null,
      )) as { value?: unknown; error?: string; errors: string[] };
      page.errors.splice(0, page.errors.length, ...result.errors);
      if (result.error !== undefined) throw new Error(`in WebKit: ${result.error}`);
      return result.value as never;
    },
    async waitFor(fn, timeoutMs = 30_000) {
      await d.wait(async () => Boolean(await d.executeScript(`return Boolean((${fn.toString()})())`)), timeoutMs);
    },
    async click(selector) {
      const { By } = await import('selenium-webdriver');
      await d.findElement(By.css(selector)).click();
    },
    async screenshot(path) {
      const { writeFileSync } = await import('node:fs');
      writeFileSync(path, Buffer.from(await d.takeScreenshot(), 'base64'));
    },
    async close() {
      await d.get('about:blank');
    },
  };
  return page;
}
