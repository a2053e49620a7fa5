import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../../src/emulator/server.ts';
import { floatToPcm16Base64 } from '../../../src/plugin/wire/pcm.ts';
import { RawClient } from '../../support/raw-client.ts';

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator({ maxSessionsPerClient: 2 });
});
afterAll(async () => emulator?.close());

const chunk = floatToPcm16Base64(new Float32Array(480));
const audioAt = (rate: number) => ({ realtimeInput: { audio: { mimeType: `audio/pcm;rate=${rate}`, data: chunk } } });

/** How the session closed, or 'open' if it is still open after `ms`. */
function closedWithin(client: RawClient, ms: number): Promise<{ code: number; reason: string } | 'open'> {
  return Promise.race([client.closed, new Promise<'open'>((r) => setTimeout(() => r('open'), ms))]);
}

/** Whether the upgrade with these headers is accepted. */
async function upgrade(headers: Record<string, string>): Promise<'accepted' | string> {
  try {
    const client = await RawClient.open(emulator.url, undefined, headers);
    client.close();
    await client.closed;
    return 'accepted';
  } catch (error) {
    return (error as Error).message;
  }
}

describe('emulator hardening', () => {
  it('a session may use four input rates besides 16 kHz; a fifth (one more resampler) closes it with 1007', async () => {
    const client = await RawClient.open(emulator.url);
    await client.setup();
    for (const rate of [8000, 11025, 22050, 24000, 16000, 8000]) client.send(audioAt(rate));
    expect(await closedWithin(client, 300)).toBe('open');
    client.send(audioAt(32000));
    const closed = await closedWithin(client, 2000);
    expect(closed).toMatchObject({ code: 1007, reason: expect.stringMatching(/Too many audio input rates.*at most 4/) });
  });

  it('refuses a Host that is a domain name (DNS rebinding), on the socket and on /emulator/stats', async () => {
    const port = new URL(emulator.url).port;
    expect(await upgrade({ Host: `evil.example:${port}`, Origin: `http://evil.example:${port}` })).toMatch(/403/);
    expect(await upgrade({ Host: `evil.example:${port}` })).toMatch(/403/);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${emulator.url}/emulator/stats`, { headers: { Host: `rebound.example:${port}` } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(403);
  });

  it('accepts loopback and IP hosts, and a page on a loopback origin', async () => {
    const port = new URL(emulator.url).port;
    expect(await upgrade({ Host: `127.0.0.1:${port}` })).toBe('accepted');
    expect(await upgrade({ Host: `localhost:${port}`, Origin: 'http://localhost:5173' })).toBe('accepted');
    expect(await upgrade({ Host: `127.0.0.1:${port}`, Origin: 'http://evil.example' })).toMatch(/403/);
  });

  it('a client may hold two sessions here (the default is 320); a third is closed with 1011 RESOURCE_EXHAUSTED, and a slot frees on close', async () => {
    const a = await RawClient.open(emulator.url);
    const b = await RawClient.open(emulator.url);
    const c = await RawClient.open(emulator.url);
    expect(await closedWithin(c, 1000)).toMatchObject({ code: 1011, reason: expect.stringMatching(/RESOURCE_EXHAUSTED/) });
    expect(await closedWithin(a, 50)).toBe('open');
    a.close();
    await a.closed;
    await new Promise((r) => setTimeout(r, 50));
    const d = await RawClient.open(emulator.url);
    await d.setup();
    expect(await closedWithin(d, 200)).toBe('open');
    b.close();
    d.close();
  });
});
