// The relay in a process of its own for the relay bench, so its event loop is measured alone:
// started by bench/suites/relay.ts with `fork`, it answers 'reset' and 'read' with its loop delay.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startRelay } from '../src/relay/relay.ts';

const RESOLUTION_MS = 5;
const upstream = process.env.RELAY_UPSTREAM;
if (!upstream || !process.send) throw new Error('bench/relay-process.ts is started by the relay bench (fork, RELAY_UPSTREAM)');

const relay = await startRelay({
  apiKey: 'bench-key',
  allowedOrigins: [],
  allowNoOrigin: true,
  upstream,
  maxSessions: 10_000,
  maxSessionsPerClient: 10_000,
  maxSessionsPerToken: 10_000,
});
const loop = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
loop.enable();
/** Nanosecond interval sample → milliseconds of lag beyond the sampling interval. */
const lag = (ns: number) => Math.max(0, ns / 1e6 - RESOLUTION_MS);

process.on('message', (message: string) => {
  if (message === 'reset') {
    loop.reset();
    process.send?.({ reset: true });
  } else if (message === 'read') {
    process.send?.({ p99: lag(loop.percentile(99)), max: lag(loop.max), open: relay.stats.open });
  } else if (message === 'close') {
    void relay.close().then(() => process.exit(0));
  }
});
process.send({ url: relay.url });
