import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Browser, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchTestBrowser } from '../support/chromium.ts';
import { type FreshGame, type FreshGameVersions, freePort, GameProcess, scaffoldGame } from '../support/fresh-game.ts';
import { lockedVersion, packEmulator, packPlugin, run, typeErrors } from '../support/packages.ts';

// What a game developer does with the two published packages (README: "Try it in your own game in
// three minutes"): a new Vite + Phaser game from nothing, both tarballs installed, the README's NPC,
// and in Chromium with a fake microphone (6 s of silence, "Good evening, guard. May I come in?",
// silence: the greeting has played out before the player speaks, even on a loaded machine)
// the greeting is heard, the spoken turn answered and a typed request runs the guard's action —
// on the emulator the Vite plugin serves, then on the CLI's own port.

const fixtures = inject('fixtures');
const work = mkdtempSync(join(tmpdir(), 'npc-voice-fresh-game-'));
afterAll(() => rmSync(work, { recursive: true, force: true }), 120_000);

const tarballs = { plugin: '', emulator: '' };
beforeAll(() => {
  tarballs.plugin = join('..', packPlugin(work));
  tarballs.emulator = join('..', packEmulator(work));
}, 180_000);

it('the emulator package holds its compiled code with declarations, the CLI, the speech worker, README and LICENSE — not eSpeak NG', () => {
  const files = run('tar', ['-tzf', join(work, basename(tarballs.emulator))], work).split('\n');
  for (const file of ['dist/emulator/index.js', 'dist/emulator/index.d.ts', 'dist/emulator/cli.js', 'dist/emulator/tts/tts-worker.mjs'])
    expect(files).toContain(`package/${file}`);
  expect(files).toEqual(expect.arrayContaining(['package/package.json', 'package/README.md', 'package/LICENSE']));
  expect(files.filter((f) => /espeak|\.wasm$|src\//.test(f))).toEqual([]);
  const manifest = JSON.parse(run('tar', ['-xzOf', join(work, basename(tarballs.emulator)), 'package/package.json'], work)) as Record<
    string,
    unknown
  >;
  expect(manifest).toMatchObject({
    name: 'phaser-npc-voice-emulator',
    license: 'GPL-3.0-or-later',
    bin: { 'phaser-npc-voice-emulator': './dist/emulator/cli.js' },
    dependencies: { 'espeak-ng': expect.any(String), ws: expect.any(String) },
  });
});

const PHASER_4 = lockedVersion('phaser');
const FIREBASE_12 = lockedVersion('firebase');
/** `cli`: also the CLI run; `alone`: also the game with no emulator at all, and the emulator's API from Node. */
const MATRIX: (FreshGameVersions & { cli: boolean; alone?: boolean })[] = [
  { phaser: PHASER_4, firebase: FIREBASE_12, cli: true, alone: true },
  { phaser: '3.90.0', firebase: FIREBASE_12, cli: true },
  { phaser: PHASER_4, firebase: '13.2.0', cli: false },
];

/**
 * Before the page loads: every connection to a context's speakers also feeds an analyser, so the
 * test hears what the player would (the game's code is the README's, untouched).
 */
const EARS = () => {
  const w = window as unknown as { loudest: number; analysers: AnalyserNode[] };
  w.loudest = 0;
  w.analysers = [];
  const connect = AudioNode.prototype.connect as (this: AudioNode, ...args: unknown[]) => unknown;
  const tapped = new WeakMap<BaseAudioContext, AnalyserNode>();
  AudioNode.prototype.connect = function (this: AudioNode, ...args: unknown[]) {
    const target = args[0];
    if (target instanceof AudioDestinationNode && !tapped.has(target.context)) {
      const analyser = target.context.createAnalyser();
      analyser.fftSize = 2048;
      tapped.set(target.context, analyser);
      w.analysers.push(analyser);
    }
    if (target instanceof AudioDestinationNode) connect.call(this, tapped.get(target.context));
    return connect.apply(this, args);
  } as typeof AudioNode.prototype.connect;
  const block = new Float32Array(2048);
  setInterval(() => {
    for (const analyser of w.analysers) {
      analyser.getFloatTimeDomainData(block);
      let sum = 0;
      for (const v of block) sum += v * v;
      w.loudest = Math.max(w.loudest, Math.sqrt(sum / block.length));
    }
  }, 40);
};

interface Heard {
  /** What the game printed (the README's `console.log` of subtitles and actions). */
  console: string[];
  /** Loudest RMS reaching the speakers while the greeting played. */
  greetingRms: number;
  pageErrors: string[];
}

/** Opens the game at `url`, presses E (talk to the guard), lets the fake microphone speak, then presses T (typed request). */
async function talkToTheGuard(url: string): Promise<Heard> {
  const browser: Browser = await launchTestBrowser({ microphoneWav: fixtures.demoMic, noLoop: true });
  const heard: Heard = { console: [], greetingRms: 0, pageErrors: [] };
  try {
    const page: Page = await browser.newPage();
    page.on('console', (m) => heard.console.push(m.text()));
    page.on('pageerror', (e) => heard.pageErrors.push(String(e)));
    await page.addInitScript(EARS);
    await page.goto(url);
    await page.waitForSelector('canvas');
    await page.click('canvas');
    await page.keyboard.press('KeyE');
    const said = (line: string) => heard.console.includes(line);
    const until = async (what: string, check: () => boolean, timeoutMs = 25_000) => {
      const deadline = Date.now() + timeoutMs;
      while (!check()) {
        if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs} ms; the game printed:\n${heard.console.join('\n')}`);
        await page.waitForTimeout(100);
      }
    };
    await until('greeting', () => said('Edda: Halt! Who goes there?'));
    heard.greetingRms = await page.evaluate(() => (window as unknown as { loudest: number }).loudest);
    await until('answer to the spoken turn', () => said('Edda: The gate stays shut after dark.'));
    await page.keyboard.press('KeyT');
    await until('action', () => said('action open_gate: done'));
    await until('spoken result', () => said('Edda: The gate creaks open.'));
    await page.close();
    return heard;
  } catch (error) {
    // What the page said is what tells why (a module that failed to load, a typed error).
    throw new Error(
      `${(error as Error).message}\npage errors: ${JSON.stringify(heard.pageErrors)}\nconsole:\n${heard.console.join('\n')}`,
      {
        cause: error,
      },
    );
  } finally {
    await browser.close();
  }
}

/** Runs `talk`; when it fails, the error carries what the game's processes printed (a dev server that crashed says why). */
async function withOutputOf(processes: (GameProcess | null)[], talk: () => Promise<void>): Promise<void> {
  try {
    await talk();
  } catch (error) {
    const printed = processes.map((p) => p?.printed ?? '').join('\n');
    throw new Error(`${(error as Error).message}\nthe game's processes printed:\n${printed}`, { cause: error });
  }
}

/** The conversation went as the README promises, in order. */
function expectTheConversation(heard: Heard): void {
  expect(heard.pageErrors).toEqual([]);
  const finals = [
    'Edda: Halt! Who goes there?',
    'Edda: The gate stays shut after dark.',
    'action open_gate: done',
    'Edda: The gate creaks open.',
  ];
  const at = finals.map((line) => heard.console.indexOf(line));
  expect(at.every((i) => i >= 0)).toBe(true);
  expect([...at].sort((a, b) => a - b)).toEqual(at);
  expect(heard.greetingRms).toBeGreaterThan(0.02); // heard, not only subtitled
  expect(heard.console.filter((l) => /^(invalid|no-|network|handshake|unsupported)/.test(l))).toEqual([]);
}

/** Opens the game, presses E and returns what it printed once it has printed `until`, and how long after the key that took. */
async function pressTalk(url: string, until: RegExp): Promise<{ printed: string[]; ms: number }> {
  const browser = await launchTestBrowser({ microphoneWav: fixtures.pluginMic, noLoop: true });
  const printed: string[] = [];
  try {
    const page = await browser.newPage();
    page.on('console', (m) => printed.push(m.text()));
    await page.goto(url);
    await page.waitForSelector('canvas');
    await page.click('canvas');
    const pressed = Date.now();
    await page.keyboard.press('KeyE');
    const deadline = pressed + 15_000;
    while (!printed.some((l) => until.test(l)) && Date.now() < deadline) await page.waitForTimeout(50);
    return { printed, ms: Date.now() - pressed };
  } finally {
    await browser.close();
  }
}

describe.each(MATRIX)('a fresh Vite game with Phaser $phaser and firebase $firebase', (versions) => {
  let game: FreshGame;
  beforeAll(() => {
    game = scaffoldGame(join(work, `phaser-${versions.phaser}-firebase-${versions.firebase}`), versions, tarballs);
  }, 240_000);

  it('type-checks, this.npcVoice included', () => {
    const errors = typeErrors(game.dir).filter((line) => !line.startsWith('node_modules/phaser/'));
    expect(errors).toEqual([]);
  }, 120_000);

  it('with the Vite plugin: greeting heard, spoken turn answered, typed request runs the action', async () => {
    game.useVitePlugin(true);
    game.writeMain();
    const port = await freePort();
    const vite = new GameProcess(game.dir, ['vite', '--host', '127.0.0.1', '--port', String(port), '--strictPort']);
    try {
      await vite.waitForOutput(/Local:\s+http:\/\/127\.0\.0\.1:\d+/);
      await withOutputOf([vite], async () => expectTheConversation(await talkToTheGuard(`http://127.0.0.1:${port}/`)));
    } finally {
      await vite.stop();
    }
  }, 120_000);

  it.runIf(versions.cli)(
    'with the CLI on its own port (emulatorUrl), and plain Vite',
    async () => {
      game.useVitePlugin(false);
      const cli = new GameProcess(game.dir, game.cliArgs);
      let vite: GameProcess | null = null;
      try {
        const url = (await cli.waitForOutput(/listening on (http:\/\/127\.0\.0\.1:\d+)/))[1] as string;
        game.writeMain(url); // before the dev server starts: it serves the game as written
        const port = await freePort();
        vite = new GameProcess(game.dir, ['vite', '--host', '127.0.0.1', '--port', String(port), '--strictPort']);
        await vite.waitForOutput(/Local:\s+http:\/\/127\.0\.0\.1:\d+/);
        await withOutputOf([vite, cli], async () => expectTheConversation(await talkToTheGuard(`http://127.0.0.1:${port}/`)));
      } finally {
        await Promise.all([vite?.stop(), cli.stop()]);
      }
    },
    120_000,
  );

  it.runIf(versions.alone)(
    'with no emulator at all: the game is told so, naming where it looked and what to add',
    async () => {
      game.useVitePlugin(false);
      game.writeMain();
      const port = await freePort();
      const vite = new GameProcess(game.dir, ['vite', '--host', '127.0.0.1', '--port', String(port), '--strictPort']);
      try {
        await vite.waitForOutput(/Local:\s+http:\/\/127\.0\.0\.1:\d+/);
        const { printed, ms } = await pressTalk(`http://127.0.0.1:${port}/`, /^no-emulator /);
        // The README's `on('error')` handler prints code and message.
        expect(printed.filter((l) => l.startsWith('no-emulator '))[0]).toBe(
          `no-emulator No emulator at http://127.0.0.1:${port} (the server there is not the emulator): add the emulator's Vite plugin ` +
            'to vite.config (npcVoiceEmulator() from phaser-npc-voice-emulator), or run `npx phaser-npc-voice-emulator --port 8787` ' +
            "and configure emulatorUrl: 'http://127.0.0.1:8787'.",
        );
        // Told within a few seconds, not after the 15 s handshake timeout (Vite never answers the upgrade).
        expect(ms).toBeLessThan(5000);
      } finally {
        await vite.stop();
      }
    },
    60_000,
  );

  it.runIf(versions.alone)(
    'startEmulator() from Node: a URL that answers, and close() lets the process exit by itself',
    () => {
      const script = join(game.dir, 'start-emulator.mjs');
      writeFileSync(
        script,
        [
          "import { startEmulator } from 'phaser-npc-voice-emulator';",
          'const emulator = await startEmulator({ port: 0 });',
          "const stats = await (await fetch(emulator.url + '/emulator/stats')).json();",
          'await emulator.close();',
          'console.log(JSON.stringify({ url: emulator.url, sessionsTotal: stats.sessionsTotal }));',
        ].join('\n'),
      );
      // No process.exit: node returns only when nothing (socket, timer, worker) is left open.
      const out = run('node', [script], game.dir, 20_000);
      expect(JSON.parse(out.trim())).toEqual({ url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/), sessionsTotal: 0 });
    },
    30_000,
  );
});
