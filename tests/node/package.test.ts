import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockedVersion, npmInstall, packPlugin, readmeBlock, run, typeErrors } from '../support/packages.ts';

const root = resolve(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'npc-voice-pack-'));
// The throwaway project's node_modules is large: removing it can take a while on a busy machine.
afterAll(() => rmSync(work, { recursive: true, force: true }), 120_000);

/**
 * What each entry exports, as the README's API section documents it: runtime values, then
 * type-only names. A name exported by accident, or dropped, fails the test.
 */
const ENTRIES = {
  'phaser-npc-voice': {
    values: ['ConversationEvent', 'NpcVoiceError', 'NpcVoiceEvent', 'NpcVoicePlugin', 'PREBUILT_VOICES'],
    types: [
      'ActionContext',
      'ActionOutcome',
      'ActionParameters',
      'Conversation',
      'ConversationEvents',
      'ConversationMemory',
      'ConversationMode',
      'ConversationState',
      'DuckingOptions',
      'EchoEstimate',
      'EchoEstimatorOptions',
      'EchoGuardOptions',
      'EchoMode',
      'EchoState',
      'EchoStatus',
      'RawTrackStatus',
      'HowlerLike',
      'JsonSchema',
      'LipSyncOptions',
      'LiveBackend',
      'LiveOptions',
      'LiveConnectionState',
      'MicrophoneChoice',
      'MouthDriver',
      'NpcAction',
      'NpcDefinition',
      'NpcHandle',
      'NpcMemory',
      'NpcVoiceConfig',
      'NpcVoiceErrorCode',
      'NpcVoiceEvents',
      'Placed',
      'PrebuiltVoice',
      'SightOptions',
      'SpatialOptions',
      'Subscription',
      'TranscriptEntry',
      'TypedEmitter',
      'VoiceStats',
    ],
  },
  'phaser-npc-voice/audio': {
    values: [
      'AudioChunker',
      'Ducker',
      'Microphone',
      'MicrophoneClip',
      'MicrophoneClipEvent',
      'NpcVoiceError',
      'Resampler',
      'RingBuffer',
      'StreamingVoiceSource',
      'StreamingVoiceSourceEvent',
      'VoiceBus',
      'floatToPcm16Base64',
      'pcm16Base64MaxSamples',
      'pcm16Base64ToFloat',
    ],
    types: [
      'AudioTransport',
      'DuckingOptions',
      'MicrophoneClipEvents',
      'MicrophoneDevice',
      'MicrophoneStartOptions',
      'NpcVoiceErrorCode',
      'ResamplerOptions',
      'RingBufferStorage',
      'SampleSource',
      'SpatialOptions',
      'StreamingVoiceSourceEvents',
      'StreamingVoiceSourceOptions',
      'Subscription',
      'TypedEmitter',
      'VoiceBusOptions',
      'VoicePlaybackState',
    ],
  },
  'phaser-npc-voice/live': {
    values: [
      'Conversation',
      'ConversationEvent',
      'DEFAULT_MODELS',
      'DEFAULT_VOICE',
      'LiveConnection',
      'LiveConnectionEvent',
      'LiveError',
      'NpcVoiceError',
      'PREBUILT_VOICES',
      'SilentVoice',
      'createLiveModel',
      'sessionParamsFor',
    ],
    types: [
      'ActionContext',
      'ActionOutcome',
      'ActionParameters',
      'ConversationEvents',
      'ConversationMode',
      'ConversationOptions',
      'ConversationState',
      'JsonSchema',
      'LiveBackend',
      'LiveOptions',
      'LiveConnectionEvents',
      'LiveConnectionOptions',
      'LiveConnectionState',
      'LiveLink',
      'LiveModel',
      'LiveModelOptions',
      'LiveSessionParams',
      'LiveSocket',
      'NpcAction',
      'NpcDefinition',
      'NpcVoiceErrorCode',
      'OpenedSession',
      'OutgoingAudio',
      'PrebuiltVoice',
      'SpokenChunk',
      'Subscription',
      'TranscriptEntry',
      'TypedEmitter',
      'VoiceOutput',
      'WebSocketConstructor',
      'WebSocketHandler',
      'WebSocketLike',
    ],
  },
} as const;
type Entry = keyof typeof ENTRIES;
const sorted = (names: Iterable<string>) => [...names].sort();

/** The names a built JavaScript entry exports at runtime (`export { a, b as c }` and `export const …`). */
function runtimeExports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, false, ts.ScriptKind.JS);
  const names: string[] = [];
  for (const statement of source.statements) {
    if (ts.isExportDeclaration(statement) && statement.exportClause && ts.isNamedExports(statement.exportClause)) {
      for (const element of statement.exportClause.elements) names.push(element.name.text);
    } else if (ts.canHaveModifiers(statement) && ts.getModifiers(statement)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) {
      if (ts.isVariableStatement(statement)) for (const d of statement.declarationList.declarations) names.push(d.name.getText(source));
      else if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) && statement.name) names.push(statement.name.text);
    }
  }
  return sorted(names);
}

/** Every name (values and types) the declaration files of the installed entries export, per entry. */
function declaredExports(game: string, entries: readonly Entry[]): Record<Entry, string[]> {
  const files = entries.map((e) =>
    join(game, 'node_modules/phaser-npc-voice/dist/lib/types', `${e === 'phaser-npc-voice' ? 'index' : e.split('/')[1]}.d.ts`),
  );
  const program = ts.createProgram(files, {
    strict: true,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    noEmit: true,
    types: [],
  });
  const checker = program.getTypeChecker();
  const result = {} as Record<Entry, string[]>;
  entries.forEach((entry, i) => {
    const source = program.getSourceFile(files[i] as string);
    const module = source && checker.getSymbolAtLocation(source);
    if (!module) throw new Error(`${files[i]} is not a module`);
    result[entry] = sorted(checker.getExportsOfModule(module).map((s) => s.name));
  });
  return result;
}

/** The README's API list for `entry`: the names of its `import { … }` and `import type { … }` lines. */
function readmeExports(entry: Entry): { values: string[]; types: string[] } {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const block = new RegExp(`<!-- exports:${entry} -->\\s*\`\`\`ts\\n([\\s\\S]*?)\`\`\``).exec(readme)?.[1];
  if (!block) throw new Error(`README has no <!-- exports:${entry} --> block`);
  const names = (kind: 'import' | 'import type') =>
    sorted(
      [...block.matchAll(new RegExp(`^${kind} \\{([^}]*)\\} from '${entry}';`, 'gm'))].flatMap((m) =>
        (m[1] as string)
          .split(',')
          .map((n) => n.trim())
          .filter(Boolean),
      ),
    );
  return { values: names('import'), types: names('import type') };
}

/** The README's install-and-use example, exactly as printed there. */
const readmeExample = () => readmeBlock('example:install-and-use', 'ts');

describe('the published package', () => {
  const game = join(work, 'game');
  let files = '';

  beforeAll(() => {
    const tarball = packPlugin(work);
    files = run('tar', ['-tzf', join(work, tarball)], work);
    const version = lockedVersion;
    cpSync(join(root, 'tests/package'), join(game, 'src'), { recursive: true });
    writeFileSync(join(game, 'src/readme-example.ts'), readmeExample());
    writeFileSync(
      join(game, 'package.json'),
      JSON.stringify({
        name: 'throwaway-game',
        private: true,
        type: 'module',
        dependencies: {
          'phaser-npc-voice': `file:../${tarball}`,
          phaser: version('phaser'),
          firebase: version('firebase'),
          ws: version('ws'),
        },
        devDependencies: { typescript: version('typescript'), vite: version('vite') },
      }),
    );
    writeFileSync(
      join(game, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'ESNext',
          moduleResolution: 'bundler',
          strict: true,
          noEmit: true,
          lib: ['ES2023', 'DOM'],
          types: [],
          skipLibCheck: false,
        },
        include: ['src'],
      }),
    );
    writeFileSync(
      join(game, 'index.html'),
      '<!doctype html><html><body><script type="module" src="/src/consumer-main.ts"></script></body></html>',
    );
    npmInstall(game);
  }, 300_000);

  it('packs the three entries with their declarations and one worklet, and nothing of the emulator', () => {
    for (const entry of ['index', 'audio', 'live']) {
      expect(files).toContain(`package/dist/lib/${entry}.js`);
      expect(files).toContain(`package/dist/lib/types/${entry}.d.ts`);
    }
    expect(files.match(/package\/dist\/lib\/assets\/worklet-entry-[\w-]+\.js\n/g)).toHaveLength(1);
    expect(files).not.toMatch(/src\/emulator|espeak/);
  });

  it('type-checks the README example and imports from all three entries strictly, and builds with the worklet', () => {
    // Everything is checked, declaration files included — except Phaser's own, which has two known
    // errors of its own under full checking (not ours to fix). Any other error fails the test.
    const errors = typeErrors(game).filter((line) => !line.startsWith('node_modules/phaser/'));
    expect(errors).toEqual([]);
    run('npx', ['vite', 'build', '--logLevel', 'error'], game);
    const assets = readdirSync(join(game, 'dist/assets'));
    expect(assets.filter((f) => /^worklet-entry-.*\.js$/.test(f))).toHaveLength(1);
    expect(existsSync(join(game, 'dist/index.html'))).toBe(true);
  }, 120_000);

  it('exports from each entry exactly the names the README documents', () => {
    const entries = Object.keys(ENTRIES) as Entry[];
    const declared = declaredExports(game, entries);
    for (const entry of entries) {
      const expected = ENTRIES[entry];
      const js = join(
        game,
        'node_modules/phaser-npc-voice',
        (exportsMap(game)[entry.replace('phaser-npc-voice', '.')] as { import: string }).import,
      );
      expect(runtimeExports(js), `${entry}: runtime values`).toEqual(sorted(expected.values));
      expect(declared[entry], `${entry}: declared names`).toEqual(sorted([...expected.values, ...expected.types]));
      expect(readmeExports(entry), `${entry}: the README's list`).toEqual({
        values: sorted(expected.values),
        types: sorted(expected.types),
      });
    }
  }, 60_000);

  it('imports phaser-npc-voice/live in Node 20 without Phaser, and a LiveConnection reports a refused key as a typed error', () => {
    // The hook fails any import of Phaser; Node 20 has no `navigator`, which Phaser needs at load.
    const out = run('node', ['--import', './src/forbid-phaser.mjs', 'src/live-in-node.mjs'], game);
    const result = JSON.parse(out.trim().split('\n').at(-1) as string) as Record<string, unknown>;
    expect(process.version.startsWith('v20.')).toBe(true);
    expect(result.navigator).toBe('undefined');
    expect(result.exports).toEqual(sorted(ENTRIES['phaser-npc-voice/live'].values));
    // The audio entry loads in Node too, and the entries share one error class.
    expect(result.audioExports).toEqual(sorted(ENTRIES['phaser-npc-voice/audio'].values));
    expect(result.oneErrorClass).toBe(true);
    // The setup went out through `ws` with the NPC's voice, and the close came back typed.
    expect(result.model).toMatch(/\/models\/gemini-[\w.-]+$/);
    expect(result.voice).toBe('Kore');
    expect(result.states).toEqual(['connecting', 'closed']);
    expect(result.error).toEqual({ liveError: true, npcVoiceError: true, code: 'invalid-api-key', closeCode: 1007 });
  }, 60_000);
});

/** The installed package's `exports` map. */
function exportsMap(game: string): Record<string, unknown> {
  const pkg = JSON.parse(readFileSync(join(game, 'node_modules/phaser-npc-voice/package.json'), 'utf8')) as {
    exports: Record<string, unknown>;
  };
  return pkg.exports;
}
