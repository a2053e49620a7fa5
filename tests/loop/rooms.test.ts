import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { AcousticLoop, alive } from '../support/acoustic-loop.ts';
import { measureRoom } from '../support/room-response.ts';
import { ROOMS } from '../support/rooms.ts';
import { until } from '../support/until.ts';

let loop: AcousticLoop | null = null;

afterAll(async () => {
  await loop?.stop();
});

// Each simulated room is what it claims: a burst played into the speakers is heard at the
// microphone after the room's delay, with its reverb tail and its noise (docs/rooms.md).
describe.each(Object.values(ROOMS))('the room $name', (room) => {
  it(`is what it claims: delay ${room.claims.latencyMs.join('–')} ms, RT60 ${room.claims.rt60.join('–')} s, noise ${room.noiseDb ?? 'none'}; a stall of its chain does not stay in its delay`, async () => {
    loop = await AcousticLoop.start(room);
    try {
      const r = await measureRoom(loop);
      const seen = JSON.stringify(r);
      expect(r.latencyMs, seen).toBeGreaterThanOrEqual(room.claims.latencyMs[0]);
      expect(r.latencyMs, seen).toBeLessThanOrEqual(room.claims.latencyMs[1]);
      expect(r.rt60, seen).toBeGreaterThanOrEqual(room.claims.rt60[0]);
      expect(r.rt60, seen).toBeLessThanOrEqual(room.claims.rt60[1]);
      if (room.noiseDb === null) expect(r.noiseDb, seen).toBeLessThan(-90);
      else expect(Math.abs(r.noiseDb - room.noiseDb), seen).toBeLessThan(3);
      if (!room.effects) return;
      // A stall of the chain (a busy machine) must not stay in the room's delay: the burst it held
      // back is dropped, as a real room would have played it in its time. What may stay is the
      // pacer's cushion and the queues after it, full where they had run dry: at most 60 ms.
      await loop.stallRoom(300);
      await new Promise((resolve) => setTimeout(resolve, 2500));
      const after = await measureRoom(loop);
      expect(after.latencyMs, JSON.stringify(after)).toBeLessThanOrEqual(room.claims.latencyMs[1] + 60);
    } finally {
      await loop.stop();
      loop = null;
    }
  });
});

describe('a bench killed mid-run', () => {
  it('leaves nothing of its room behind: killAllNow stops the chain, the noise, the load, the daemon and the display', async () => {
    const room = await AcousticLoop.start(ROOMS['living-busy']);
    const dir = room.env.XDG_RUNTIME_DIR as string;
    // Every process it started: the daemon, the display, and each pipeline's whole process group.
    const { daemon, display, groups } = room.processIds();
    const left = () => [
      ...[daemon, display].filter((pid) => alive(pid)),
      ...groups.flatMap((g) =>
        execFileSync('sh', ['-c', `pgrep -g ${g} || true`], { encoding: 'utf8' })
          .trim()
          .split('\n')
          .filter(Boolean),
      ),
    ];
    expect(groups.length).toBe(3); // the chain, the noise, the load
    expect(left().length).toBeGreaterThanOrEqual(2 + 3 + 2); // sh | parec | sox | python3 | pacat, sox | pacat, stress-ng and its worker
    AcousticLoop.killAllNow();
    await until(() => left().length === 0, 'the room’s processes to exit', 5000).catch(() => undefined);
    expect(left()).toEqual([]);
    rmSync(dir, { recursive: true, force: true });
  });
});
