#!/usr/bin/env node
// `npx phaser-npc-voice-emulator` (in this repository `npm run emulator --`) `[--port 8787] [--host 127.0.0.1] [--api-key K] [--app-check] [--app-check-secret S] [--lifetime-ms N] [--verbose]`
import { parseArgs } from 'node:util';
import { startEmulator } from './server.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8787' },
    host: { type: 'string', default: '127.0.0.1' },
    'api-key': { type: 'string' },
    'app-check': { type: 'boolean', default: false },
    'app-check-secret': { type: 'string' },
    'lifetime-ms': { type: 'string' },
    verbose: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  console.log(`phaser-npc-voice Live API emulator

Usage: phaser-npc-voice-emulator [options]

  --port N          port to listen on (default 8787; 0 picks a free one)
  --host H          address to bind (default 127.0.0.1: this machine only)
  --api-key K       require this API key (default: accept any)
  --app-check       enforce App Check: sessions need an X-Firebase-AppCheck token signed with
                    the emulator's secret (generated and printed, with a token to try)
  --app-check-secret S
                    enforce App Check with this secret (base64url, at least 16 bytes)
  --lifetime-ms N   connection lifetime before goAway + close (default 600000)
  --verbose         log session errors`);
  process.exit(0);
}

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be 0..65535, got ${values.port}`);
  process.exit(2);
}

const emulator = await startEmulator({
  host: values.host,
  port,
  ...(values['api-key'] ? { apiKey: values['api-key'] } : {}),
  ...(values['app-check'] || values['app-check-secret']
    ? { appCheck: values['app-check-secret'] ? { secret: values['app-check-secret'] } : true }
    : {}),
  ...(values['lifetime-ms'] ? { connectionLifetimeMs: Number(values['lifetime-ms']) } : {}),
  ...(values.verbose ? { log: (line: string) => console.log(line) } : {}),
});
console.log(`Live API emulator listening on ${emulator.url}
  Phaser plugin:      this.npcVoice.configure({ backend: 'emulator', emulatorUrl: '${emulator.url}' })
  Firebase (plugin):  createLiveModel({ backend: 'emulator', emulatorUrl: '${emulator.url}' })
  @google/genai:      new GoogleGenAI({ apiKey: 'any', httpOptions: { baseUrl: '${emulator.url}' } })
  stats:              ${emulator.url}/emulator/stats`);
if (emulator.appCheck) {
  console.log(`App Check enforced. Secret (pass as --app-check-secret to keep it): ${emulator.appCheck.secret}
  a token valid for 24 h: ${emulator.appCheck.mint({ ttlSeconds: 86_400 })}`);
}

const stop = async () => {
  await emulator.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
