import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { GUARD_FUNCTIONS, GUARD_INSTRUCTION } from '../../support/characters.ts';
import { useEmulator } from '../../support/emulator.ts';
import { FirebaseClient, isTurnComplete } from '../../support/firebase-client.ts';
import { MODEL, RawClient } from '../../support/raw-client.ts';
import { closeSpeech, concat, silence16k, speech16k } from '../../support/speech.ts';

const emulator = useEmulator({ maxFrameBytes: 32 * 1024 });
afterAll(closeSpeech);

const base64ish = fc.oneof(
  fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b).toString('base64')),
  fc.string({ maxLength: 40 }),
  fc.constantFrom('', '=', 'AA=A', 'AAA', '////', '@@@@'),
);
const mimeType = fc.oneof(
  fc.constantFrom('audio/pcm', 'audio/pcm;rate=16000', 'audio/pcm;rate=1', 'image/jpeg', 'video/mp4', 'AUDIO/PCM'),
  fc.string({ maxLength: 20 }),
);
const json = fc.jsonValue({ maxDepth: 3 });

/** Frames shaped like client messages but wrong in random ways, plus plain garbage. */
const frame = fc.oneof(
  fc.record({ realtimeInput: fc.record({ audio: fc.record({ mimeType, data: base64ish }) }) }).map((m) => JSON.stringify(m)),
  fc.record({ realtimeInput: fc.record({ video: fc.record({ mimeType, data: base64ish }) }) }).map((m) => JSON.stringify(m)),
  fc
    .record({
      realtimeInput: fc.dictionary(fc.constantFrom('text', 'activityStart', 'activityEnd', 'audioStreamEnd', 'mediaChunks', 'x'), json, {
        maxKeys: 2,
      }),
    })
    .map((m) => JSON.stringify(m)),
  fc
    .record({
      toolResponse: fc.record({
        functionResponses: fc.array(fc.dictionary(fc.constantFrom('id', 'name', 'response'), json), { maxLength: 3 }),
      }),
    })
    .map((m) => JSON.stringify(m)),
  fc.record({ clientContent: fc.dictionary(fc.constantFrom('turns', 'turnComplete'), json) }).map((m) => JSON.stringify(m)),
  fc
    .record({ setup: fc.dictionary(fc.constantFrom('model', 'tools', 'systemInstruction', 'generationConfig', 'sessionResumption'), json) })
    .map((m) => JSON.stringify(m)),
  fc.dictionary(fc.string({ maxLength: 12 }), json, { maxKeys: 3 }).map((m) => JSON.stringify(m)),
  json.map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 200 }),
  fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
);

describe('emulator under random input', () => {
  it('closes every broken session with 1007/1008/1009 and a reason, while another session completes a turn unharmed', async () => {
    const frames = fc.sample(frame, { numRuns: 3000, seed: 20261125 });
    const victim = await FirebaseClient.open(emulator().url, {
      systemInstruction: GUARD_INSTRUCTION,
      functionDeclarations: GUARD_FUNCTIONS as never,
    });
    const speech = concat(await speech16k('Hello guard, may I pass through?'), silence16k(1));

    const closes: { code: number; reason: string }[] = [];
    let next = 0;
    let sent = 0;
    let sessions = 0;
    // 40 attackers at once; each sends frames until the emulator closes it, then reconnects.
    const attack = async () => {
      while (next < frames.length) {
        const client = await RawClient.open(emulator().url);
        sessions++;
        let open = true;
        void client.closed.then((c) => {
          closes.push(c);
          open = false;
        });
        if (sessions % 2 === 0) client.send({ setup: { model: MODEL } });
        while (open && next < frames.length) {
          client.ws.send(frames[next++] as string | Buffer);
          sent++;
          await new Promise((r) => setTimeout(r, 5));
        }
        if (open) client.close();
      }
    };
    const storm = Promise.all(Array.from({ length: 40 }, attack));
    await new Promise((r) => setTimeout(r, 100));
    victim.sendAudio(speech); // the victim talks in the middle of the storm
    await storm;
    expect(sent).toBe(frames.length);
    await victim.waitFor(isTurnComplete);
    expect(victim.audio().length).toBeGreaterThan(0);
    await victim.close();
    await new Promise((r) => setTimeout(r, 200));

    expect(sessions).toBeGreaterThan(500);
    for (const { code } of closes) expect([1005, 1007, 1008, 1009]).toContain(code);
    for (const c of closes.filter((c) => c.code === 1007 || c.code === 1008)) expect(c.reason.length).toBeGreaterThan(5);
    expect(emulator().stats.closes['1011'] ?? 0).toBe(0);
  });
});
