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

const V20 = 'models/gemini-2.0-flash-live-001';
const thinking = (t: Record<string, unknown>) => ({ generationConfig: { thinkingConfig: t } });

describe('thinking, media resolution and context compression per model', () => {
  it.each([
    ['3.1: a level and a budget together', V31, thinking({ thinkingLevel: 'LOW', thinkingBudget: 128 }), /cannot both be set/],
    [
      '2.5: a thinking level',
      V25,
      thinking({ thinkingLevel: 'LOW' }),
      /thinking_level is not supported by gemini-2\.5.*use thinking_budget/,
    ],
    ['2.5: a budget past 24,576', V25, thinking({ thinkingBudget: 30_000 }), /thinking_budget must be -1 or in 0\.\.24576/],
    ['2.0: any thinking', V20, thinking({ thinkingBudget: 512 }), /Thinking is not supported by gemini-2\.0/],
    ['3.1: an unknown level', V31, thinking({ thinkingLevel: 'EXTREME' }), /thinkingLevel must be one of/],
    ['any: an unknown media resolution', V25, { generationConfig: { mediaResolution: 'MEDIA_RESOLUTION_ULTRA' } }, /mediaResolution/],
    [
      'any: a compression target at its trigger',
      V25,
      { contextWindowCompression: { triggerTokens: '1000', slidingWindow: { targetTokens: '1000' } } },
      /targetTokens must be less than/,
    ],
  ])('%s → 1007 and a reason', async (_label, model, extra, reason) => {
    const client = await RawClient.open(emulator.url);
    client.send({ setup: { model, ...extra } });
    const closed = await client.closed;
    expect(closed.code).toBe(1007);
    expect(closed.reason).toMatch(reason);
  });

  it.each([
    ['3.1: thinking level minimal (upper or lower case)', V31, thinking({ thinkingLevel: 'minimal', includeThoughts: false })],
    ['3.1: a thinking budget (kept for compatibility)', V31, thinking({ thinkingBudget: 256 })],
    ['2.5: thinking off (budget 0)', V25, thinking({ thinkingBudget: 0 })],
    ['2.5: dynamic thinking (budget -1)', V25, thinking({ thinkingBudget: -1 })],
    ['2.0: budget 0', V20, thinking({ thinkingBudget: 0 })],
    ['3.1: high media resolution', V31, { generationConfig: { mediaResolution: 'MEDIA_RESOLUTION_HIGH' } }],
    [
      '3.1: sliding-window compression',
      V31,
      { contextWindowCompression: { triggerTokens: '25600', slidingWindow: { targetTokens: 12800 } } },
    ],
  ])('%s is taken', async (_label, model, extra) => {
    const client = await RawClient.open(emulator.url);
    client.send({ setup: { model, ...extra } });
    await client.waitFor((m) => 'setupComplete' in m);
    client.close();
  });
});
