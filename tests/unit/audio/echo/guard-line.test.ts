import { describe, expect, it } from 'vitest';
import { MicChunk } from '../../../../src/plugin/audio/capture/mic-chunk.ts';
import { GuardLine, PLAYER, QUIET, SOUND, STRONG } from '../../../../src/plugin/audio/echo/guard-line.ts';

const chunkAt = (level: number) => new MicChunk(new Float32Array(320).fill(level)).measure();

describe('GuardLine', () => {
  it('keeps chunks oldest first with what was known of each, and their weight (strong twice)', () => {
    const line = new GuardLine(4, 320);
    line.push(chunkAt(0.1), PLAYER, -20, true, 7);
    line.push(chunkAt(0.2), STRONG, -30, false, 8);
    line.push(chunkAt(0.3), SOUND, -40, true, 9);
    expect([line.length, line.weight]).toEqual([3, 3]);
    expect([line.oldest.samples[0], line.oldestClass, line.oldestBound, line.oldestPlaying, line.oldestChunkNumber]).toEqual([
      Math.fround(0.1),
      PLAYER,
      -20,
      true,
      7,
    ]);
    line.shift();
    expect([line.length, line.weight, line.oldestClass, line.oldestPlaying]).toEqual([2, 2, STRONG, false]);
    // Wraps around its slots.
    line.push(chunkAt(0.4), QUIET, -50, false, 10);
    line.push(chunkAt(0.5), PLAYER, -50, false, 11);
    expect([line.length, line.weight]).toEqual([4, 3]);
    line.clear();
    expect([line.length, line.weight]).toEqual([0, 0]);
  });

  it('finds the loudest run (among all, or the newest) and how many chunks came after it; the stretch from the first loud chunk; demotes', () => {
    const line = new GuardLine(8, 320);
    for (const [level, sound] of [
      [0.01, SOUND],
      [0.01, QUIET],
      [0.5, STRONG],
      [0.6, STRONG],
      [0.4, PLAYER],
      [0.02, SOUND],
    ] as const)
      line.push(chunkAt(level), sound, -20, true, 0);
    expect(line.loudestRunAge(3)).toBe(1); // chunks 2–4, then one more
    expect(line.loudestRunAge(7)).toBe(-1);
    // Among the newest three (chunks 3–5): of runs of two, 3–4 is the loudest; of three, only 3–5 fits.
    expect(line.loudestRunAge(2, 3)).toBe(1);
    expect(line.loudestRunAge(3, 3)).toBe(0);
    expect(line.loudestRunAge(3, 2)).toBe(-1);
    expect(line.loudStretch()).toBe(4);
    line.demote();
    expect([line.weight, line.loudStretch()]).toEqual([0, 0]);
  });
});
