import type { Server as HttpServer } from 'node:http';
import type { Http2SecureServer } from 'node:http2';
import type { Connect, Plugin } from 'vite';
import { createEmulator, type Emulator, type EmulatorOptions } from './server.js';

/**
 * Serves the Live API emulator from Vite's own dev and preview servers: WebSocket upgrades on the
 * Live paths (`/ws/…`) go to the emulator, everything else stays Vite's (HMR included). The page
 * then talks to `location.origin` — one command, one port, no account.
 *
 * @example
 * ```ts
 * // vite.config.ts
 * export default defineConfig({ plugins: [npcVoiceEmulator()] });
 * // enforcing App Check, with a fixed secret so minted tokens survive restarts:
 * export default defineConfig({ plugins: [npcVoiceEmulator({ appCheck: { secret: process.env.APP_CHECK_SECRET } })] });
 * ```
 */
export function npcVoiceEmulator(options: EmulatorOptions = {}): Plugin {
  const attach = (
    httpServer: HttpServer | Http2SecureServer | null,
    middlewares: Connect.Server,
    logger: { info(line: string): void },
  ): void => {
    if (!httpServer) return;
    const emulator: Emulator = createEmulator(options);
    if (emulator.appCheck) logger.info(`[npc-voice emulator] App Check enforced; secret ${emulator.appCheck.secret}`);
    void emulator.warm();
    httpServer.on('upgrade', (req, socket, head) => {
      emulator.handleUpgrade(req, socket, head);
    });
    httpServer.once('close', () => void emulator.close());
    middlewares.use((req, res, next) => {
      if (!emulator.handleRequest(req, res)) next();
    });
  };
  return {
    name: 'phaser-npc-voice:emulator',
    configureServer(server) {
      attach(server.httpServer, server.middlewares, server.config.logger);
    },
    configurePreviewServer(server) {
      attach(server.httpServer, server.middlewares, server.config.logger);
    },
  };
}
