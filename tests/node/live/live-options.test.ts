import { describe, expect, it } from 'vitest';
import { sessionParamsFor } from '../../../src/plugin/dialogue/session-params.ts';
import { LiveConnection } from '../../../src/plugin/live/live-connection.ts';
import { LiveError } from '../../../src/plugin/live/live-errors.ts';
import { createLiveModel } from '../../../src/plugin/live/live-model.ts';
import type { LiveOptions } from '../../../src/plugin/live/live-options.ts';
import { guardNpc } from '../../support/characters.ts';
import { useEmulator } from '../../support/emulator.ts';

const emulator = useEmulator();

/** Opens a session for the guard on `model` with the plugin's Live options, the way the plugin does. */
async function open(model: string, liveOptions: LiveOptions): Promise<LiveConnection> {
  const live = new LiveConnection({
    model: createLiveModel({ backend: 'emulator', emulatorUrl: emulator().url, model }),
    params: sessionParamsFor(guardNpc(), { liveOptions }),
    maxReconnectAttempts: 0,
  });
  await live.connect();
  return live;
}

describe('Live options from the plugin reach the model', () => {
  it('3.1 with a thinking level, high media resolution and compression: the session opens and the emulator counts each option', async () => {
    const before = { ...emulator().stats.liveOptions };
    const live = await open('gemini-3.1-flash-live-preview', {
      thinking: { level: 'minimal' },
      mediaResolution: 'high',
      contextWindowCompression: { triggerTokens: 25_600, targetTokens: 12_800 },
    });
    expect(live.state).toBe('open');
    await live.close();
    const after = { ...emulator().stats.liveOptions };
    expect({
      thinking: after.thinking - before.thinking,
      mediaResolution: after.mediaResolution - before.mediaResolution,
      compression: after.compression - before.compression,
      affectiveDialog: after.affectiveDialog - before.affectiveDialog,
    }).toEqual({ thinking: 1, mediaResolution: 1, compression: 1, affectiveDialog: 0 });
  });

  it('2.5 native audio with affective dialog, proactive audio and thinking off opens', async () => {
    const live = await open('gemini-2.5-flash-native-audio-preview-12-2025', {
      affectiveDialog: true,
      proactiveAudio: true,
      thinking: { budget: 0 },
    });
    expect(live.state).toBe('open');
    await live.close();
  });

  it.each([
    ['affective dialog on 3.1', 'gemini-3.1-flash-live-preview', { affectiveDialog: true }, /Affective dialog is not supported/],
    [
      'a thinking level on 2.5',
      'gemini-2.5-flash-native-audio-preview-12-2025',
      { thinking: { level: 'low' } },
      /thinking_level is not supported/,
    ],
  ] as const)('%s: refused as a typed invalid-request error carrying the service’s words', async (_label, model, options, words) => {
    const error = await open(model, options as LiveOptions).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LiveError);
    expect((error as LiveError).code).toBe('invalid-request');
    expect((error as LiveError).closeCode).toBe(1007);
    expect((error as Error).message).toMatch(words);
  });
});
