// `npx tsx src/relay/cli.ts --port 8080 --allow-origin https://game.example [--api-key K | FIREBASE_API_KEY=K]`
import { parseArgs } from 'node:util';
import { startRelay } from './relay.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.PORT ?? '8080' },
    host: { type: 'string', default: '127.0.0.1' },
    'api-key': { type: 'string' },
    'allow-origin': { type: 'string', multiple: true, default: [] },
    'allow-no-origin': { type: 'boolean', default: false },
    upstream: { type: 'string' },
    'max-sessions': { type: 'string' },
    'max-sessions-per-token': { type: 'string' },
    'max-sessions-per-client': { type: 'string' },
    'idle-timeout-ms': { type: 'string' },
    'trust-proxy-hops': { type: 'string' },
    quiet: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  console.log(`phaser-npc-voice Live relay: browsers reach Firebase AI Logic's Live API with App Check

  --port N                     port (default $PORT or 8080)
  --host H                     address to bind (default 127.0.0.1; 0.0.0.0 in a container)
  --api-key K                  the game's Firebase web API key (or FIREBASE_API_KEY)
  --allow-origin O             a browser origin allowed to connect (repeat; or ALLOWED_ORIGINS=a,b)
  --allow-no-origin            also take clients that send no Origin (non-browser)
  --upstream URL               a loopback emulator instead of Firebase AI Logic (development)
  --max-sessions N             in all (default 500)
  --max-sessions-per-token N   per App Check token (default 3)
  --max-sessions-per-client N  per client address (default 8)
  --idle-timeout-ms N          close after this long without a frame (default 120000)
  --trust-proxy-hops N         proxies appending X-Forwarded-For in front of the relay (default 0)
  --quiet                      no log lines`);
  process.exit(0);
}

const apiKey = values['api-key'] ?? process.env.FIREBASE_API_KEY;
const origins = [...values['allow-origin'], ...(process.env.ALLOWED_ORIGINS?.split(',').filter(Boolean) ?? [])];
const port = Number(values.port);
const fail = (message: string) => {
  console.error(message);
  process.exit(2);
};
if (!apiKey) fail('--api-key (or FIREBASE_API_KEY) is required: the Firebase web API key of the game.');
if (origins.length === 0 && !values['allow-no-origin']) fail('--allow-origin (or ALLOWED_ORIGINS) is required: the origin of the game.');
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be 0..65535, got ${values.port}`);
const int = (name: string, value: string | undefined): number | undefined => {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) fail(`--${name} must be a whole number, got ${value}`);
  return n;
};

const relay = await startRelay({
  apiKey: apiKey as string,
  allowedOrigins: origins,
  allowNoOrigin: values['allow-no-origin'],
  host: values.host,
  port,
  ...(values.upstream ? { upstream: values.upstream } : {}),
  maxSessions: int('max-sessions', values['max-sessions']),
  maxSessionsPerToken: int('max-sessions-per-token', values['max-sessions-per-token']),
  maxSessionsPerClient: int('max-sessions-per-client', values['max-sessions-per-client']),
  idleTimeoutMs: int('idle-timeout-ms', values['idle-timeout-ms']),
  trustProxyHops: int('trust-proxy-hops', values['trust-proxy-hops']),
  ...(values.quiet ? {} : { log: (line: string) => console.log(line) }),
});
console.log(`Live relay listening on ${relay.url} for ${origins.join(', ') || '(no browser origin)'}
  plugin: configure({ backend: 'googleAI', firebaseConfig, appCheck, relayUrl: '<this service's https URL>' })`);

const stop = async () => {
  await relay.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
