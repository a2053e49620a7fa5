import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../../src/emulator/server.ts';
import { DEFAULT_MODELS } from '../../../src/plugin/live/live-model.ts';
import { RawClient } from '../../support/raw-client.ts';

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(async () => {
  await emulator?.close();
});

const V31 = 'models/gemini-3.1-flash-live-preview';
const V25 = 'models/gemini-2.5-flash-native-audio-preview-12-2025';
const asyncTool = { tools: [{ functionDeclarations: [{ name: 'open_gate', behavior: 'NON_BLOCKING' }] }] };

describe('Live models and what each takes', () => {
  it('the plugin defaults to gemini-3.1-flash-live-preview on googleAI and gemini-live-2.5-flash-native-audio on vertexAI', () => {
    expect(DEFAULT_MODELS.googleAI).toBe('gemini-3.1-flash-live-preview');
    expect(DEFAULT_MODELS.vertexAI).toBe('gemini-live-2.5-flash-native-audio');
  });

  it('serves gemini-3.1-flash-live-preview', async () => {
    const client = await RawClient.open(emulator.url);
    await client.setup({ model: V31 });
    client.close();
  });

  it.each([
    ['affective dialog', { generationConfig: { enableAffectiveDialog: true } }, /Affective dialog is not supported/],
    ['proactive audio', { proactivity: { proactiveAudio: true } }, /Proactive audio is not supported/],
    ['a NON_BLOCKING function', asyncTool, /NON_BLOCKING.*open_gate/],
  ])('3.1 refuses %s with 1007 and a reason', async (_label, extra, reason) => {
    const client = await RawClient.open(emulator.url);
    client.send({ setup: { model: V31, ...extra } });
    const closed = await client.closed;
    expect(closed.code).toBe(1007);
    expect(closed.reason).toMatch(reason);
  });

  it.each([
    ['affective dialog', { generationConfig: { enableAffectiveDialog: true } }],
    ['proactive audio', { proactivity: { proactiveAudio: true } }],
    ['a NON_BLOCKING function', asyncTool],
  ])('the 2.5 native-audio model takes %s', async (_label, extra) => {
    const client = await RawClient.open(emulator.url);
    client.send({ setup: { model: V25, ...extra } });
    await client.waitFor((m) => 'setupComplete' in m);
    client.close();
  });
});
