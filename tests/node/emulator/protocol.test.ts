import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { floatToPcm16Base64 } from '../../../src/plugin/wire/pcm.ts';
import { useEmulator } from '../../support/emulator.ts';
import { FIREBASE_PATH, MODEL, RawClient } from '../../support/raw-client.ts';

const emulator = useEmulator({ maxFrameBytes: 64 * 1024, setupTimeoutMs: 400, idleTimeoutMs: 1500 });

/** Opens a session, sends `messages` in order, and returns how it was closed. */
async function closeAfter(messages: unknown[], opts: { setup?: boolean } = {}): Promise<{ code: number; reason: string }> {
  const client = await RawClient.open(emulator().url);
  if (opts.setup !== false) await client.setup();
  for (const m of messages) client.send(m);
  return client.closed;
}

const audio = (data: string, mimeType = 'audio/pcm') => ({ realtimeInput: { audio: { mimeType, data } } });

describe('emulator: malformed input closes the session with a code and a reason', () => {
  it.each([
    ['a message before setup', [{ realtimeInput: { text: 'hi' } }], false, 1007, /first message must be setup/],
    ['a second setup', [{ setup: { model: MODEL } }], true, 1007, /only be sent once/],
    ['malformed JSON', ['{"setup": '], false, 1007, /Invalid JSON/],
    ['a JSON array', ['[1,2]'], false, 1007, /must be a JSON object/],
    ['no top-level field', [{}], true, 1007, /exactly one top-level field/],
    [
      'two top-level fields',
      [{ realtimeInput: { text: 'a' }, toolResponse: { functionResponses: [] } }],
      true,
      1007,
      /exactly one top-level field.*got 2/,
    ],
    ['an unknown top-level field', [{ bogus: {} }], true, 1007, /Unknown message field "bogus"/],
    ['bad base64 audio', [audio('@@@@not base64')], true, 1007, /not valid base64/],
    ['an odd PCM byte count', [audio(Buffer.from([1, 2, 3]).toString('base64'))], true, 1007, /even count/],
    ['an unknown mimeType', [audio('AAAA', 'audio/mp3')], true, 1007, /Unsupported mimeType "audio\/mp3"/],
    ['an audio rate out of range', [audio('AAAA', 'audio/pcm;rate=99000')], true, 1007, /Unsupported audio rate 99000/],
    ['two realtimeInput fields', [{ realtimeInput: { text: 'a', audioStreamEnd: true } }], true, 1007, /exactly one field.*got 2/],
    ['an unknown realtimeInput field', [{ realtimeInput: { smell: 'roses' } }], true, 1007, /Unknown realtimeInput field "smell"/],
    [
      'activityStart with automatic detection on',
      [{ realtimeInput: { activityStart: {} } }],
      true,
      1007,
      /only valid when automaticActivityDetection is disabled/,
    ],
    ['a toolResponse without ids', [{ toolResponse: { functionResponses: [{ name: 'x' }] } }], true, 1007, /string id and name/],
    [
      'video that is not an image',
      [{ realtimeInput: { video: { mimeType: 'image/jpeg', data: Buffer.from('hello').toString('base64') } } }],
      true,
      1007,
      /not a image\/jpeg image/,
    ],
    ['clientContent with a bad turn', [{ clientContent: { turns: ['hi'], turnComplete: true } }], true, 1007, /needs parts/],
  ] as const)('%s → %i', async (_what, messages, setup, code, reason) => {
    const closed = await closeAfter([...messages], { setup });
    expect(closed.code).toBe(code);
    expect(closed.reason).toMatch(reason);
  });

  it('a frame over the size cap → 1007 naming the limit', async () => {
    const big = floatToPcm16Base64(new Float32Array(40_000)); // ~107 kB > 64 kB
    const closed = await closeAfter([audio(big)]);
    expect(closed.code).toBe(1007);
    expect(closed.reason).toMatch(/exceeds the limit of 65536 bytes/);
  });

  it('a frame past four times the cap is refused by the socket layer (1009) before it is buffered', async () => {
    const closed = await closeAfter(['x'.repeat(300 * 1024)]);
    expect(closed.code).toBe(1009);
  });

  it.each([
    ['an unknown model', { model: 'models/gemini-9-ultra' }, 1008, /gemini-9-ultra is not found/],
    [
      'an unknown voice',
      { model: MODEL, generationConfig: { speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName: 'Bob' } } } } },
      1007,
      /Unknown voice "Bob"/,
    ],
    [
      'a tool with no name',
      { model: MODEL, tools: [{ functionDeclarations: [{ description: 'x' }] }] },
      1007,
      /Invalid function declaration name/,
    ],
    ['an unknown resumption handle', { model: MODEL, sessionResumption: { handle: 'nope' } }, 1007, /resumption handle is invalid/],
    [
      'a bad sensitivity',
      { model: MODEL, realtimeInputConfig: { automaticActivityDetection: { startOfSpeechSensitivity: 'LOUD' } } },
      1007,
      /startOfSpeechSensitivity must be one of/,
    ],
    [
      'two response modalities',
      { model: MODEL, generationConfig: { responseModalities: ['AUDIO', 'TEXT'] } },
      1007,
      /Only one response modality/,
    ],
  ] as const)('setup with %s → %i', async (_what, setup, code, reason) => {
    const closed = await closeAfter([{ setup }], { setup: false });
    expect(closed.code).toBe(code);
    expect(closed.reason).toMatch(reason);
  });

  it('audioStreamEnd with automatic detection disabled → 1007', async () => {
    const client = await RawClient.open(emulator().url);
    await client.setup({ realtimeInputConfig: { automaticActivityDetection: { disabled: true } } });
    client.send({ realtimeInput: { audioStreamEnd: true } });
    const closed = await client.closed;
    expect(closed.code).toBe(1007);
    expect(closed.reason).toMatch(/only valid with automatic activity detection on/);
  });

  it('no setup within the setup timeout → 1007', async () => {
    const closed = await closeAfter([], { setup: false });
    expect(closed.code).toBe(1007);
    expect(closed.reason).toMatch(/No setup message within/);
  });

  it('a silent client is closed by the idle timeout → 1011', async () => {
    const closed = await closeAfter([]);
    expect(closed.code).toBe(1011);
    expect(closed.reason).toMatch(/no client message/);
  });
});

describe('emulator: what it counts (/emulator/stats)', () => {
  it('records each video frame with its type, size in bytes and the width × height from its header, and each audioStreamEnd', async () => {
    const sof0 = [0xff, 0xc0, 0x00, 0x0b, 0x08, 0x00, 0xa0, 0x01, 0x40, 0x01, 0x01, 0x11, 0x00]; // 160 high, 320 wide
    const jpeg = Buffer.from([0xff, 0xd8, ...sof0, 0xff, 0xd9]);
    const before = emulator().stats.toJSON();
    const client = await RawClient.open(emulator().url);
    await client.setup();
    client.send({ realtimeInput: { video: { mimeType: 'image/jpeg', data: jpeg.toString('base64') } } });
    client.send({ realtimeInput: { audioStreamEnd: true } });
    const res = await fetch(`${emulator().url}/emulator/stats`);
    let stats = (await res.json()) as Record<string, unknown>;
    for (let i = 0; i < 50 && stats.audioStreamEnds === before.audioStreamEnds; i++) {
      await new Promise((r) => setTimeout(r, 20));
      stats = (await (await fetch(`${emulator().url}/emulator/stats`)).json()) as Record<string, unknown>;
    }
    client.close();
    expect(stats.videoFrames).toBe((before.videoFrames as number) + 1);
    expect((stats.recentVideoFrames as unknown[]).at(-1)).toEqual({
      atMs: expect.any(Number),
      mimeType: 'image/jpeg',
      bytes: jpeg.length,
      width: 320,
      height: 160,
    });
    expect(stats.audioStreamEnds).toBe((before.audioStreamEnds as number) + 1);
  });
});

describe('emulator: transport', () => {
  it.each([
    ['Firebase, Gemini Developer API', FIREBASE_PATH],
    ['Firebase, Vertex AI', '/ws/google.firebase.vertexai.v1beta.LlmBidiService/BidiGenerateContent/locations/us-central1'],
    ['genai, Gemini API (double slash)', '//ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent?key=k'],
    ['genai, Gemini API v1alpha', '/ws/google.ai.generativelanguage.v1alpha.GenerativeService.BidiGenerateContent'],
    ['genai, Vertex', '//ws/google.cloud.aiplatform.v1beta1.LlmBidiService/BidiGenerateContent'],
  ])('accepts the %s path', async (_what, path) => {
    const client = await RawClient.open(emulator().url, path);
    await client.setup();
    client.close();
  });

  it('refuses an unknown /ws/ path with 404 before upgrading', async () => {
    await expect(RawClient.open(emulator().url, '/ws/something.else')).rejects.toThrow(/404/);
  });

  it('accepts binary client frames (Unity) and answers in binary frames', async () => {
    const ws = new WebSocket(`${emulator().url.replace('http', 'ws')}${FIREBASE_PATH}`);
    await new Promise((r) => ws.once('open', r));
    const first = new Promise<{ data: WebSocket.RawData; binary: boolean }>((resolve) =>
      ws.once('message', (data, binary) => resolve({ data, binary })),
    );
    ws.send(Buffer.from(JSON.stringify({ setup: { model: MODEL } })), { binary: true });
    const { data, binary } = await first;
    expect(binary).toBe(true);
    expect(JSON.parse(data.toString())).toEqual({ setupComplete: {} });
    ws.close();
  });

  it('accepts int64 fields as strings or numbers, and ignores unknown setup fields', async () => {
    const client = await RawClient.open(emulator().url);
    await client.setup({
      contextWindowCompression: { triggerTokens: '25600', slidingWindow: { targetTokens: 12800 } },
      realtimeInputConfig: { automaticActivityDetection: { silenceDurationMs: '300', prefixPaddingMs: 20 } },
      proactivity: { proactiveAudio: true },
      thinkingConfig: { thinkingBudget: 0 },
      seed: 7,
    });
    client.close();
  });
});

describe('emulator: keys and origins', () => {
  const locked = useEmulator({ apiKey: 'sesame', allowedOrigins: ['http://game.example'] });

  it('a wrong API key → 1007 like the service', async () => {
    const client = await RawClient.open(locked().url, `${FIREBASE_PATH}?key=wrong`);
    client.send({ setup: { model: MODEL } });
    const closed = await client.closed;
    expect(closed.code).toBe(1007);
    expect(closed.reason).toMatch(/API key not valid/);
  });

  it('the right key in the query or in x-goog-api-key works', async () => {
    const a = await RawClient.open(locked().url, `${FIREBASE_PATH}?key=sesame`);
    await a.setup();
    a.close();
    const b = await RawClient.open(locked().url, FIREBASE_PATH, { 'x-goog-api-key': 'sesame' });
    await b.setup();
    b.close();
  });

  it('a browser origin not on the list is refused with 403', async () => {
    await expect(RawClient.open(locked().url, `${FIREBASE_PATH}?key=sesame`, { origin: 'http://evil.example' })).rejects.toThrow(/403/);
    const ok = await RawClient.open(locked().url, `${FIREBASE_PATH}?key=sesame`, { origin: 'http://game.example' });
    await ok.setup();
    ok.close();
  });

  it('by default only loopback and same-origin pages may connect', async () => {
    await expect(RawClient.open(emulator().url, FIREBASE_PATH, { origin: 'https://evil.example' })).rejects.toThrow(/403/);
    const ok = await RawClient.open(emulator().url, FIREBASE_PATH, { origin: 'http://localhost:5173' });
    await ok.setup();
    ok.close();
  });

  it('binds loopback by default', () => {
    expect(emulator().host).toBe('127.0.0.1');
  });
});
