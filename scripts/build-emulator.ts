// `npm run build:emulator`: the `phaser-npc-voice-emulator` package in dist/emulator/package —
// compiled JavaScript and declarations (tsc, src/emulator/tsconfig.build.json), the speech worker,
// a package.json derived from this repository's, its README and its LICENSE. `npm pack` in that
// folder gives the tarball a game installs as a dev dependency.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const out = join(root, 'dist/emulator/package');
const source = join(root, 'src/emulator');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  version: string;
  engines: Record<string, string>;
  devDependencies: Record<string, string>;
  repository?: unknown;
};

rmSync(join(root, 'dist/emulator'), { recursive: true, force: true });
execFileSync(join(root, 'node_modules/.bin/tsc'), ['-p', join(source, 'tsconfig.build.json')], { stdio: 'inherit' });
// Plain JavaScript, loaded by URL from tts/text-to-speech.js: tsc does not emit it.
copyFileSync(join(source, 'tts/tts-worker.mjs'), join(out, 'dist/emulator/tts/tts-worker.mjs'));
chmodSync(join(out, 'dist/emulator/cli.js'), 0o755);

const manifest = {
  name: 'phaser-npc-voice-emulator',
  version: pkg.version,
  description:
    'An offline emulator of the Gemini Live API for phaser-npc-voice games: a Vite plugin, a CLI and startEmulator(), no account needed.',
  keywords: ['phaser-npc-voice', 'gemini-live', 'emulator', 'vite-plugin', 'firebase'],
  // It loads eSpeak NG (GPL-3.0-or-later) into its own process: see LICENSE.
  license: 'GPL-3.0-or-later',
  type: 'module',
  engines: pkg.engines,
  bin: { 'phaser-npc-voice-emulator': './dist/emulator/cli.js' },
  types: './dist/emulator/index.d.ts',
  exports: {
    '.': { types: './dist/emulator/index.d.ts', import: './dist/emulator/index.js', default: './dist/emulator/index.js' },
    './package.json': './package.json',
  },
  files: ['dist', 'README.md', 'LICENSE'],
  dependencies: { 'espeak-ng': pkg.devDependencies['espeak-ng'], ws: pkg.devDependencies.ws },
  // The Vite plugin is tested with Vite 8 (tests/browser/fresh-game.test.ts).
  peerDependencies: { vite: '^8.0.0' },
  peerDependenciesMeta: { vite: { optional: true } },
};
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
copyFileSync(join(source, 'package/README.md'), join(out, 'README.md'));
// The notice, then this repository's MIT licence (the emulator's own code), then the GPL's text
// as eSpeak NG's package ships it.
writeFileSync(
  join(out, 'LICENSE'),
  [
    readFileSync(join(source, 'package/LICENSE-NOTICE.md'), 'utf8'),
    readFileSync(join(root, 'LICENSE'), 'utf8'),
    readFileSync(join(root, 'node_modules/espeak-ng/LICENSE'), 'utf8'),
  ].join('\n\n------------------------------------------------------------------------------\n\n'),
);
console.log(`built ${manifest.name}@${manifest.version} in ${out}`);
