// `npm run bench` — every benchmark in one run, side by side with its reference.
// `npm run bench -- --json` prints one JSON object per metric per line instead of a table.
import type { Metric, Suite } from './metric.ts';
import { audioSuite } from './suites/audio.ts';
import { demoSuite } from './suites/demo.ts';
import { emulatorSuite } from './suites/emulator.ts';
import { loopSuite } from './suites/loop.ts';
import { pluginSuite } from './suites/plugin.ts';

const suites: Suite[] = [audioSuite, emulatorSuite, demoSuite, pluginSuite, loopSuite];
const json = process.argv.includes('--json');
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);

function fmt(n: number | undefined): string {
  if (n === undefined) return '';
  return Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 10 ? n.toFixed(1) : n.toFixed(2);
}

let failed = false;
for (const suite of suites) {
  if (only && !suite.name.includes(only)) continue;
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
      const line: Record<string, unknown> = { metric: m.metric, value: m.value, unit: m.unit };
      if (m.reference !== undefined) line.reference = m.reference;
      if (m.ratio !== undefined) line.ratio = m.ratio;
      console.log(JSON.stringify(line));
    }
  } else {
    console.log(`\n${suite.name}`);
    console.table(
      metrics.map((m) => ({
        metric: m.metric,
        ours: `${fmt(m.value)} ${m.unit}`,
        reference: m.reference !== undefined ? `${fmt(m.reference)} (${m.against ?? ''})` : '',
        ratio: m.ratio !== undefined ? `${fmt(m.ratio)}×` : '',
        target: m.target ?? '',
      })),
    );
  }
}
process.exitCode = failed ? 1 : 0;
