import { afterAll, describe, expect, it } from 'vitest';
import { GUARD_INSTRUCTION } from '../../support/characters.ts';
import { useEmulator } from '../../support/emulator.ts';
import { RawClient } from '../../support/raw-client.ts';
import { closeSpeech } from '../../support/speech.ts';

const emulator = useEmulator();
afterAll(async () => closeSpeech());

type Update = { sessionResumptionUpdate?: { newHandle?: string; lastConsumedClientMessageIndex?: string } };

describe('lastConsumedClientMessageIndex (transparent resumption)', () => {
  it('the emulator reports the index of the last client message its handle includes (setup is 0)', async () => {
    const client = await RawClient.open(emulator().url);
    await client.setup({ systemInstruction: { parts: [{ text: GUARD_INSTRUCTION }] }, sessionResumption: { transparent: true } });
    const first = (await client.waitFor((m) => 'sessionResumptionUpdate' in m)) as Update;
    expect(first.sessionResumptionUpdate?.lastConsumedClientMessageIndex).toBe('0');
    for (let i = 0; i < 5; i++)
      client.send({ realtimeInput: { audio: { mimeType: 'audio/pcm;rate=16000', data: Buffer.alloc(640).toString('base64') } } });
    client.send({ clientContent: { turns: [{ role: 'user', parts: [{ text: 'Good evening.' }] }], turnComplete: true } }); // message 6
    const after = (await client.waitFor(
      (m) => 'sessionResumptionUpdate' in m && (m as Update).sessionResumptionUpdate?.lastConsumedClientMessageIndex !== '0',
    )) as Update;
    expect(after.sessionResumptionUpdate?.lastConsumedClientMessageIndex).toBe('6');
    client.close();
  });
});
