import type { IncomingMessage, ServerResponse } from 'node:http';
import { defineConfig, type Plugin } from 'vite';
import { npcVoiceEmulator } from './src/emulator/vite-plugin.ts';

/**
 * Cross-origin isolation (COOP same-origin + COEP require-corp) so `SharedArrayBuffer` works and
 * the audio pipeline takes its shared-memory path. A document requested with `?coi=0` is served
 * without the headers: the tests use that to exercise the message-port path on the same server.
 */
function crossOriginIsolation(): Plugin {
  const middleware = (req: IncomingMessage, res: ServerResponse, next: () => void) => {
    if (!req.url?.includes('coi=0')) {
      res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
      res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    }
    next();
  };
  return {
    name: 'npc-voice:cross-origin-isolation',
    configureServer: (server) => void server.middlewares.use(middleware),
    configurePreviewServer: (server) => void server.middlewares.use(middleware),
  };
}

export default defineConfig({
  plugins: [crossOriginIsolation(), npcVoiceEmulator()],
  server: { host: '127.0.0.1', port: 5173 },
  preview: { host: '127.0.0.1', port: 4173 },
  build: { outDir: 'dist/demo', target: 'es2022' },
  worker: { format: 'es' },
});
