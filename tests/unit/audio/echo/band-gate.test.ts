import { describe, expect, it } from 'vitest';
import { BandGate } from '../../../../src/plugin/audio/echo/band-gate.ts';
import { BANDS, BandLevels } from '../../../../src/plugin/audio/echo/band-levels.ts';

const RATE = 16000;
const CHUNK = 320;
const dbOf = (meanSquare: number): number => 10 * Math.log10(meanSquare);

/**
 * Sine tones (frequency, dBFS RMS) summed, plus seeded white noise at `noiseDb`, `chunks` chunks
 * long, from chunk `from`; with `syllables`, the first `voiced` tones sound in 160 ms syllables with
 * 80 ms gaps, as a voice does.
 */
function sound(tones: [number, number][], noiseDb: number, chunks: number, from = 0, seed = 1, voiced = 0): Float32Array {
  const x = new Float32Array(chunks * CHUNK);
  let s = seed;
  const noise = 10 ** (noiseDb / 20) * Math.sqrt(3);
  for (let i = 0; i < x.length; i++) {
    const t = (from * CHUNK + i) / RATE;
    let v = 0;
    const gap = Math.floor(i / CHUNK + from) % 12 >= 8;
    tones.forEach(([hz, db], k) => {
      if (!(gap && k < voiced)) v += 10 ** (db / 20) * Math.SQRT2 * Math.sin(2 * Math.PI * hz * t);
    });
    s = (s * 1664525 + 1013904223) >>> 0;
    x[i] = v + noise * ((s / 2 ** 32) * 2 - 1);
  }
  return x;
}

describe('BandLevels', () => {
  it('puts a 1.2 kHz tone at −20 dBFS in its band (1–1.5 kHz) at −20 dBFS, and the far bands 40 dB below it', () => {
    const levels = new BandLevels(CHUNK);
    const db = new Float64Array(BANDS);
    levels.measure(sound([[1200, -20]], -200, 1), db);
    expect(db[4]).toBeCloseTo(-20, 0);
    for (const far of [0, 1, 7, 8, 9]) expect(db[far]).toBeLessThan(-60);
  });

  it('splits white noise so that the bands add up to its level (less what lies below 100 Hz)', () => {
    const levels = new BandLevels(CHUNK);
    const db = new Float64Array(BANDS);
    levels.measure(sound([], -30, 1, 0, 7), db);
    const sum = dbOf(Array.from(db).reduce((a, d) => a + 10 ** (d / 10), 0));
    expect(sum).toBeGreaterThan(-31);
    expect(sum).toBeLessThan(-29.5);
  });

  it('refuses a chunk longer than its transform', () => {
    expect(() => new BandLevels(1024)).toThrow(RangeError);
  });
});

describe('BandGate', () => {
  // Her voice: low tones at −20 dBFS, in syllables. Her echo after the canceller: the same, 30 dB down, over a −90 dBFS hiss.
  const HER: [number, number][] = [
    [200, -20],
    [420, -23],
    [800, -26],
  ];
  const RESIDUE: [number, number][] = HER.map(([hz, db]) => [hz, db - 30]);
  const QUIET = 10 ** (-80 / 10);

  /** Feeds `n` chunks of her voice and the microphone from chunk `from`, learning each as not the player when `learn`. */
  function feed(gate: BandGate, n: number, from: number, mic: [number, number][], learn: boolean): boolean[] {
    const voice = sound(HER, -200, n, from, 1, HER.length);
    const heard = sound(mic, -90, n, from, from + 1, HER.length);
    const player: boolean[] = [];
    for (let k = 0; k < n; k++) {
      gate.push(heard.subarray(k * CHUNK, (k + 1) * CHUNK), voice.subarray(k * CHUNK, (k + 1) * CHUNK), true);
      player.push(gate.player(QUIET));
      if (learn) gate.learn(gate.chunk, true);
    }
    return player;
  }

  it('learns her echo band by band, and takes a player as quiet as that echo for the player where her voice is faint', () => {
    const gate = new BandGate(CHUNK);
    feed(gate, 200, 0, RESIDUE, true);
    feed(gate, 60, 200, RESIDUE, false); // what was learned counts a second later
    const [playing] = gate.returnLossDb;
    for (const band of [0, 1, 3]) expect(playing[band]).toBeGreaterThanOrEqual(29); // her tones' bands: 30 dB
    // Her echo goes on as before: never the player.
    expect(feed(gate, 50, 260, RESIDUE, false).some(Boolean)).toBe(false);
    // A player at −50 dBFS in two bands where she is silent (2.5 and 5 kHz): the player, every chunk,
    // though the chunk as a whole is no louder than her echo (−49 dBFS).
    const player: [number, number][] = [...RESIDUE, [2500, -53], [5000, -53]];
    expect(feed(gate, 20, 310, player, false).every(Boolean)).toBe(true);
    // Her echo 10 dB louder than learned, in her own bands: the player too (the probe tells them apart).
    const louder: [number, number][] = HER.map(([hz, db]) => [hz, db - 20]);
    expect(feed(gate, 10, 330, louder, false).filter(Boolean).length).toBeGreaterThan(5);
  });

  it('forgets what it was about to learn when told the player took the floor', () => {
    const gate = new BandGate(CHUNK);
    feed(gate, 40, 0, RESIDUE, true);
    gate.forgetRecent();
    feed(gate, 60, 40, RESIDUE, false);
    expect(gate.returnLossDb[0][0]).toBe(90); // nothing learned: a working canceller's loss
  });

  it('ignores a chunk to learn that is not one it has seen', () => {
    const gate = new BandGate(CHUNK);
    feed(gate, 300, 0, RESIDUE, false);
    gate.learn(5, true); // long gone from its ring
    gate.learn(10_000, true); // not yet seen
    feed(gate, 60, 300, RESIDUE, false);
    expect(gate.returnLossDb[0][0]).toBe(90);
  });
});
