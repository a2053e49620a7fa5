// Building, packing and installing this repository's two packages the way a game gets them:
// shared by tests/node/package.test.ts (types and entries) and tests/browser/fresh-game.test.ts
// (a fresh game that talks to an NPC).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');

/** Runs a command (killed after `timeoutMs`, if given); on failure the error carries what it printed. */
export function run(cmd: string, args: string[], cwd: string, timeoutMs?: number): string {
  try {
    return execFileSync(cmd, args, {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
      ...(timeoutMs ? { timeout: timeoutMs } : {}),
    });
  } catch (e) {
    const { stdout, stderr } = e as { stdout?: string; stderr?: string };
    throw new Error(`${cmd} ${args.join(' ')} failed:\n${stdout ?? ''}\n${stderr ?? ''}`);
  }
}

/** `tsc` error lines for the project in `cwd` (empty when it compiles). */
export function typeErrors(cwd: string): string[] {
  try {
    execFileSync('npx', ['tsc', '-p', '.'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return [];
  } catch (e) {
    return String((e as { stdout?: string }).stdout ?? '')
      .split('\n')
      .filter((l) => /error TS\d+/.test(l));
  }
}

/** The version of `name` this repository's lockfile installs (what the other tests run against). */
export function lockedVersion(name: string): string {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version: string }> };
  const version = lock.packages[`node_modules/${name}`]?.version;
  if (!version) throw new Error(`${name} is not in package-lock.json`);
  return version;
}

/** Builds the plugin library (`npm run build:lib`) and packs it into `dir`; returns the tarball's file name. */
export function packPlugin(dir: string): string {
  run('npm', ['run', 'build:lib'], ROOT);
  return lastLine(run('npm', ['pack', '--pack-destination', dir, '--silent'], ROOT));
}

/** Builds the emulator package (`npm run build:emulator`) and packs it into `dir`; returns the tarball's file name. */
export function packEmulator(dir: string): string {
  run('npm', ['run', 'build:emulator'], ROOT);
  return lastLine(run('npm', ['pack', '--pack-destination', dir, '--silent'], join(ROOT, 'dist/emulator/package')));
}

/** `npm install` from npm's cache where it can (the registry only for what the cache lacks). */
export function npmInstall(cwd: string): void {
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], cwd);
}

/** A fenced block of the README that follows `<!-- marker -->`, exactly as printed there. */
export function readmeBlock(marker: string, lang: string): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const m = new RegExp(`<!-- ${marker} -->\\s*\`\`\`${lang}\\n([\\s\\S]*?)\`\`\``).exec(readme);
  if (!m) throw new Error(`README has no <!-- ${marker} --> block`);
  return m[1] as string;
}

const lastLine = (out: string) => out.trim().split('\n').at(-1) as string;
