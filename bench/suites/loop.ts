import { createServer, type ViteDevServer } from 'vite';
import { AcousticLoop, loopUnavailable } from '../../tests/support/acoustic-loop.ts';
import { launch } from '../../tests/support/browsers.ts';
import { openGuardOnLoop, openGuardOnLoopIn, writePlayerWav } from '../../tests/support/loop-scenarios.ts';
import { ROOMS, type Room, type RoomName } from '../../tests/support/rooms.ts';
import { measureLoop } from '../loop-measure.ts';
import type { Metric, Suite } from '../metric.ts';

/** A number given as `--name=N`, or `fallback`. */
const argNumber = (name: string, fallback: number) => {
  const given = process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const n = Number(given ?? fallback);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name}: a whole number of at least 1, not ${given}`);
  return n;
};
/** Barge-ins and turns (each barge-in is answered, then the player speaks again); `--loop-trials=N` for a quick look. */
const TRIALS = argNumber('loop-trials', 20);
/**
 * NPC lines with nobody talking, as many as the barge-ins unless `--loop-lines=N`: false pauses
 * are a few in 20 lines, so telling two settings apart takes more lines than barge-ins.
 */
const LINES = argNumber('loop-lines', TRIALS);

/** The demo's music plays during the runs unless `--loop-music=off`. */
const MUSIC = !process.argv.includes('--loop-music=off');
const RUN = { lines: LINES, trials: TRIALS, music: MUSIC };

/** `--rooms=a,b` picks rooms; all of them by default. */
function roomsAsked(): Room[] {
  const arg = process.argv.find((a) => a.startsWith('--rooms='))?.slice('--rooms='.length);
  if (!arg) return Object.values(ROOMS);
  return arg.split(',').map((name) => {
    const room = ROOMS[name as RoomName];
    if (!room) throw new Error(`--rooms: no room called ${name} (${Object.keys(ROOMS).join(', ')})`);
    return room;
  });
}

/**
 * On the speaker → microphone loop (tests/support/acoustic-loop.ts) in each simulated room
 * (tests/support/rooms.ts): the demo in headed Chromium, the emulator behind the dev server, the
 * guard talking through PulseAudio's speakers, the room, into its microphone, with the demo's music
 * on. Then Firefox ESR on the wire (its own PulseAudio room, tests/support/browsers.ts). When the
 * loop cannot be built here, the suite says why and reports nothing.
 */
export const loopSuite: Suite = {
  name: 'acoustic loop (PulseAudio speakers → simulated room → microphone, headed Chromium and Firefox ESR, emulator)',
  async run(): Promise<Metric[]> {
    const rooms = roomsAsked();
    const why = rooms.map((r) => loopUnavailable(r)).find(Boolean);
    if (why) throw new Error(`the acoustic loop cannot be built here: ${why}`);
    let server: ViteDevServer | null = null;
    try {
      server = await createServer({ configFile: 'vite.config.ts', server: { port: 0 }, logLevel: 'error' });
      await server.listen();
      const address = server.httpServer?.address();
      const baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      const wav = await writePlayerWav();
      const metrics: Metric[] = [];
      for (const room of rooms) {
        const loop = await AcousticLoop.start(room);
        try {
          const chromium = await loop.launchChromium();
          try {
            metrics.push(...(await measureLoop('chromium', loop, (o) => openGuardOnLoop(chromium, baseUrl, o), baseUrl, wav, RUN)));
          } finally {
            await chromium.close();
          }
        } finally {
          await loop.stop();
        }
      }
      if (rooms.includes(ROOMS.dry)) {
        const firefox = await launch('firefox');
        try {
          const room = firefox.room as AcousticLoop;
          metrics.push(...(await measureLoop('firefox', room, (o) => openGuardOnLoopIn(firefox, baseUrl, o), baseUrl, wav, RUN)));
        } finally {
          await firefox.close();
        }
      }
      return metrics;
    } finally {
      await server?.close();
    }
  },
};
