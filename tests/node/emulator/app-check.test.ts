import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppCheckVerifier } from '../../../src/emulator/app-check.ts';
import { type RunningEmulator, startEmulator } from '../../../src/emulator/server.ts';
import { RawClient } from '../../support/raw-client.ts';

let enforcing: RunningEmulator;
beforeAll(async () => {
  enforcing = await startEmulator({ appCheck: true });
});
afterAll(async () => {
  await enforcing?.close();
});

const minted = (ttlSeconds = 600): string => (enforcing.appCheck as NonNullable<RunningEmulator['appCheck']>).mint({ ttlSeconds });

describe('emulator enforcing App Check', () => {
  it('a session with a token that verifies in X-Firebase-AppCheck gets setupComplete', async () => {
    const client = await RawClient.open(enforcing.url, undefined, { 'X-Firebase-AppCheck': minted() });
    await client.setup();
    client.close();
  });

  const LIVE = '/ws/google.firebase.vertexai.v1beta.GenerativeService/BidiGenerateContent';
  const refused: [string, () => { path?: string; headers: Record<string, string> }][] = [
    ['no header', () => ({ headers: {} })],
    ['a token signed with another secret', () => ({ headers: { 'X-Firebase-AppCheck': new AppCheckVerifier().mint() } })],
    ['an expired token', () => ({ headers: { 'X-Firebase-AppCheck': minted(-5) } })],
    ['the token in the URL instead of the header', () => ({ path: `${LIVE}?appCheck=${minted()}`, headers: {} })],
  ];
  it.each(refused)('%s → the setup is refused with 1008 "Firebase App Check token is invalid."', async (_label, given) => {
    const { path, headers } = given();
    const client = await RawClient.open(enforcing.url, path, headers);
    client.send({ setup: { model: 'models/gemini-2.5-flash-native-audio-preview-12-2025' } });
    expect(await client.closed).toEqual({ code: 1008, reason: 'Firebase App Check token is invalid.' });
    expect(client.messages).toEqual([]);
  });

  it('an emulator without enforcement ignores the header', async () => {
    const open = await startEmulator();
    expect(open.appCheck).toBeNull();
    const client = await RawClient.open(open.url);
    await client.setup();
    client.close();
    await open.close();
  });
});
