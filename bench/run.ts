// `npm run bench` — every benchmark in one run, side by side with its reference.
// `npm run bench -- --json` prints one JSON object per metric per line instead of a table.
// `npm run bench -- --only=audio,plugin` runs the suites with those words in their titles (before the parenthesis).
// `npm run bench -- --only=loop --rooms=living,living-busy` measures the acoustic loop in those rooms only.
import { AcousticLoop } from '../tests/support/acoustic-loop.ts';
import type { Metric, Suite } from './metric.ts';
import { audioSuite } from './suites/audio.ts';
import { browsersSuite } from './suites/browsers.ts';
import { demoSuite } from './suites/demo.ts';
import { emulatorSuite } from './suites/emulator.ts';
import { faultsSuite } from './suites/faults.ts';
import { loopSuite } from './suites/loop.ts';
import { pluginSuite } from './suites/plugin.ts';
import { relaySuite } from './suites/relay.ts';

// Killed (Ctrl-C, SIGTERM): the loop's rooms, daemons and displays must not outlive the bench.
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    AcousticLoop.killAllNow();
    process.exit(130);
  });

const suites: Suite[] = [audioSuite, emulatorSuite, faultsSuite, relaySuite, demoSuite, browsersSuite, pluginSuite, loopSuite];
const json = process.argv.includes('--json');
const only = process.argv
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
/** A suite's title words: `--only=emulator` picks the emulator suite, not every suite that runs the emulator. */
const titleWords = (suite: Suite) => (suite.name.split(' (')[0] as string).split(' ');

function fmt(n: number | undefined): string {
  if (n === undefined) return '';
  return Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 10 ? n.toFixed(1) : n.toFixed(2);
}

let failed = false;
if (only && !suites.some((suite) => titleWords(suite).some((w) => only.includes(w)))) {
  console.error(`--only=${only.join(',')} names no suite (${suites.map((s) => titleWords(s).join(' ')).join('; ')})`);
  failed = true;
}
for (const suite of suites) {
  if (only && !titleWords(suite).some((w) => only.includes(w))) continue;
  let metrics: Metric[];
  try {
    metrics = await suite.run();
  } catch (error) {
    failed = true;
    console.error(`${suite.name}: could not run — ${error instanceof Error ? error.message : String(error)}`);
    continue;
  }
  if (json) {
    for (const m of metrics) {
      const line: Record<string, unknown> = {
        metric: m.metric,
        ...(m.browser ? { browser: m.browser } : {}),
        ...(m.room ? { room: m.room } : {}),
        value: m.value,
        unit: m.unit,
      };
      if (m.reference !== undefined) line.reference = m.reference;
      if (m.ratio !== undefined) line.ratio = m.ratio;
      console.log(JSON.stringify(line));
    }
  } else {
    console.log(`\n${suite.name}`);
    console.table(
      metrics.map((m) => ({
        metric: m.browser || m.room ? `${m.metric} (${[m.browser, m.room].filter(Boolean).join(', ')})` : m.metric,
        ours: `${fmt(m.value)} ${m.unit}`,
        reference: m.reference !== undefined ? `${fmt(m.reference)} (${m.against ?? ''})` : '',
        ratio: m.ratio !== undefined ? `${fmt(m.ratio)}×` : '',
        target: m.target ?? '',
      })),
    );
  }
}
process.exitCode = failed ? 1 : 0;
