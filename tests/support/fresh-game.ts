// A new Vite + Phaser game written from nothing, as the README's "Try it in your own game in three
// minutes" says: its files are the README's blocks, its dependencies this repository's two packed
// packages plus Phaser, Firebase, Vite and TypeScript at the versions asked for.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { lockedVersion, npmInstall, readmeBlock } from './packages.ts';

export interface FreshGameVersions {
  /** e.g. '4.2.1' or '3.90.0' */
  phaser: string;
  /** e.g. '12.19.0' or '13.2.0' */
  firebase: string;
}

export interface FreshGame {
  dir: string;
  /** The README's command for the emulator on its own port, with `--port 0` (a free one) for 8787. */
  cliArgs: string[];
  /** Writes vite.config.ts with the emulator's Vite plugin (the README's) or without it (plain Vite). */
  useVitePlugin(on: boolean): void;
  /** Writes src/main.ts: the README's example, pointed at `emulatorUrl` when given (the CLI way). */
  writeMain(emulatorUrl?: string): void;
}

/** Writes the game into `dir` and installs it; `tarballs` are paths relative to `dir`. */
export function scaffoldGame(dir: string, versions: FreshGameVersions, tarballs: { plugin: string; emulator: string }): FreshGame {
  mkdirSync(join(dir, 'src'), { recursive: true });
  // The README's install lines name exactly the packages written below.
  const install = readmeBlock('fresh-game:install', 'sh');
  const named = (flag: string) =>
    install
      .split('\n')
      .filter((l) => l.startsWith('npm install ') && l.includes('--save-dev') === (flag === 'dev'))
      .flatMap((l) => l.split(/\s+/).slice(2))
      .filter((w) => !w.startsWith('-'))
      .sort();
  const deps = ['firebase', 'phaser', 'phaser-npc-voice'];
  const devDeps = ['phaser-npc-voice-emulator', 'typescript', 'vite'];
  if (JSON.stringify([named('prod'), named('dev')]) !== JSON.stringify([deps, devDeps]))
    throw new Error(`the README's install lines (${install}) no longer name ${deps} and, as dev dependencies, ${devDeps}`);
  // What `npm init -y`, `npm pkg set type=module` and the README's two `npm install` lines write,
  // at pinned versions.
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify(
      {
        name: 'my-game',
        private: true,
        type: 'module',
        dependencies: { 'phaser-npc-voice': `file:${tarballs.plugin}`, phaser: versions.phaser, firebase: versions.firebase },
        devDependencies: {
          'phaser-npc-voice-emulator': `file:${tarballs.emulator}`,
          vite: lockedVersion('vite'),
          typescript: lockedVersion('typescript'),
        },
      },
      null,
      2,
    ),
  );
  writeFileSync(join(dir, 'index.html'), readmeBlock('fresh-game:index.html', 'html'));
  // Our declaration files are checked too (not Phaser's: it has errors of its own under full checking).
  const tsconfig = JSON.parse(readmeBlock('fresh-game:tsconfig.json', 'json')) as { compilerOptions: Record<string, unknown> };
  tsconfig.compilerOptions.skipLibCheck = false;
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
  const cli = readmeBlock('fresh-game:cli', 'sh').trim().split(/\s+/);
  if (cli[0] !== 'npx' || !cli.includes('8787')) throw new Error(`the README's CLI line changed: ${cli.join(' ')}`);
  const game: FreshGame = {
    dir,
    cliArgs: cli.slice(1).map((a) => (a === '8787' ? '0' : a)),
    useVitePlugin(on) {
      writeFileSync(
        join(dir, 'vite.config.ts'),
        on ? readmeBlock('fresh-game:vite.config.ts', 'ts') : "import { defineConfig } from 'vite';\n\nexport default defineConfig({});\n",
      );
    },
    writeMain(emulatorUrl) {
      const example = readmeBlock('example:install-and-use', 'ts');
      const configure = "this.npcVoice.configure({ backend: 'emulator', ";
      if (!example.includes(configure)) throw new Error(`the README's example no longer has ${configure}`);
      writeFileSync(
        join(dir, 'src/main.ts'),
        emulatorUrl ? example.replace(configure, `${configure}emulatorUrl: '${emulatorUrl}', `) : example,
      );
    },
  };
  game.useVitePlugin(true);
  game.writeMain();
  npmInstall(dir);
  return game;
}

/** A free TCP port on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** A command a user runs in the game folder (`npx vite`, `npx phaser-npc-voice-emulator`), in its own process group. */
export class GameProcess {
  private readonly child: ChildProcess;
  private output = '';
  private exited: Promise<void>;

  constructor(dir: string, args: string[]) {
    this.child = spawn('npx', args, { cwd: dir, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    // Without colour codes: Vite colours its output where CI is set, even on a pipe.
    const keep = (d: Buffer) => {
      this.output += stripVTControlCharacters(d.toString());
    };
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => this.child.once('exit', () => resolve()));
  }

  /** Everything it printed so far (stdout and stderr). */
  get printed(): string {
    return this.output;
  }

  /** Resolves with the first match of `pattern` in what it printed. */
  async waitForOutput(pattern: RegExp, timeoutMs = 30_000): Promise<RegExpExecArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = pattern.exec(this.output);
      if (m) return m;
      if (this.child.exitCode !== null || Date.now() > deadline)
        throw new Error(`npx ${this.child.spawnargs.slice(1).join(' ')}: no ${pattern} in its output:\n${this.output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Stops it (SIGTERM to its process group: npx and what it started) and waits for it to exit. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.pid) {
      try {
        process.kill(-this.child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
    await this.exited;
  }
}
