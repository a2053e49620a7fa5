import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { sessionParamsFor } from '../../../src/plugin/dialogue/session-params.ts';
import { findEmulator } from '../../../src/plugin/live/emulator-probe.ts';
import { LiveError } from '../../../src/plugin/live/live-errors.ts';
import { createLiveModel } from '../../../src/plugin/live/live-model.ts';
import { guardNpc } from '../../support/characters.ts';
import { useEmulator } from '../../support/emulator.ts';

// How the plugin tells "there is no emulator" from a socket error: it asks the origin's
// /emulator/stats while the Live socket opens, and never second-guesses a server that answered.

const emulator = useEmulator();
const servers: Server[] = [];
const hanging: Duplex[] = [];
afterEach(async () => {
  for (const socket of hanging.splice(0)) socket.destroy();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A dev server without the emulator's Vite plugin: pages for every path, upgrades left hanging. */
async function devServerWithoutEmulator(): Promise<string> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><title>game</title>');
  });
  // As Vite does with upgrades that are not its HMR protocol: nothing (kept only to be closed).
  server.on('upgrade', (_req, socket) => void hanging.push(socket));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const open = (emulatorUrl: string) => createLiveModel({ backend: 'emulator', emulatorUrl }).open(sessionParamsFor(guardNpc()));

describe('finding the emulator', () => {
  it('the emulator answers its stats: found', async () => {
    expect(await findEmulator(emulator().url)).toBeNull();
  });

  it('a dev server without the Vite plugin: a no-emulator error at once, not a handshake that hangs for 15 s', async () => {
    const url = await devServerWithoutEmulator();
    const started = performance.now();
    const error = await open(url).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LiveError);
    expect(error).toMatchObject({ code: 'no-emulator' });
    expect((error as Error).message).toBe(
      `No emulator at ${url} (the server there is not the emulator): add the emulator's Vite plugin to vite.config ` +
        "(npcVoiceEmulator() from phaser-npc-voice-emulator), or run `npx phaser-npc-voice-emulator --port 8787` and configure emulatorUrl: 'http://127.0.0.1:8787'.",
    );
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('nothing listening: no-emulator naming the address', async () => {
    await expect(open('http://127.0.0.1:9')).rejects.toMatchObject({
      code: 'no-emulator',
      message: expect.stringMatching(/^No emulator at http:\/\/127\.0\.0\.1:9 \(nothing answered\): add the emulator's Vite plugin/),
    });
  });

  it('a WebSocket server that is not the emulator but answers keeps its own word (a refused key stays invalid-api-key)', async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => wss.once('listening', resolve));
    wss.on('connection', (socket) => socket.once('message', () => socket.close(1007, 'API key not valid.')));
    try {
      await expect(open(`http://127.0.0.1:${(wss.address() as AddressInfo).port}`)).rejects.toMatchObject({
        code: 'invalid-api-key',
        closeCode: 1007,
      });
    } finally {
      for (const client of wss.clients) client.terminate();
      await new Promise((resolve) => wss.close(resolve));
    }
  });

  it('the emulator lets a page on another loopback port read its stats (the CLI beside a dev server)', async () => {
    const response = await fetch(`${emulator().url}/emulator/stats`, { headers: { origin: 'http://127.0.0.1:5173' } });
    expect(response.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:5173');
    const foreign = await fetch(`${emulator().url}/emulator/stats`, { headers: { origin: 'https://evil.example' } });
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  });
});
