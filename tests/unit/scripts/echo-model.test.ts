import { describe, expect, it } from 'vitest';
import { EchoModel } from '../../../scripts/loop-session/echo-model.ts';
import { speechLike, whiteNoise } from '../../support/signal.ts';

const RATE = 16000;
const CHUNK = 320;

/** A room: 2400 samples (150 ms) of output path, then a reverberant tail decaying 60 dB in 0.3 s. */
function room(output: Float32Array): Float32Array {
  const tail = whiteNoise(0.3 * RATE, 7).map((v, i) => (i === 0 ? 0.5 : 0.1 * v * Math.exp((-6.9 * i) / (0.3 * RATE))));
  const out = new Float32Array(output.length);
  for (let i = 2400; i < out.length; i++) {
    let sum = 0;
    for (let j = 0; j < tail.length && j <= i - 2400; j += 1) sum += (tail[j] as number) * (output[i - 2400 - j] as number);
    out[i] = sum;
  }
  return out;
}

describe('EchoModel', () => {
  it('learns the room from the game’s output and takes its echo out by more than 15 dB, and leaves a player talking over it', () => {
    const output = speechLike(16, 3, 0.3);
    const echo = room(output);
    const noise = whiteNoise(output.length, 11);
    const player = new Float32Array(output.length);
    player.set(speechLike(2, 13, 0.05), 13 * RATE);
    const raw = echo.map((v, i) => v + (player[i] as number) + 0.001 * (noise[i] as number));
    const model = new EchoModel();
    const levels: { at: number; raw: number; left: number; output: number }[] = [];
    for (let at = 0; at + CHUNK <= raw.length; at += CHUNK) {
      const talking = at >= 13 * RATE - CHUNK && at < 15 * RATE;
      model.push(raw.subarray(at, at + CHUNK), output.subarray(at, at + CHUNK), !talking);
      levels.push({ at, raw: model.rawMeanSquare, left: model.residualMeanSquare, output: model.outputMeanSquare });
    }
    expect(model.ready).toBe(true);
    expect(model.reductionDb).toBeGreaterThan(15);
    const sum = (from: number, to: number, key: 'raw' | 'left') =>
      levels.filter((l) => l.at >= from * RATE && l.at < to * RATE).reduce((a, l) => a + l[key], 0);
    // Her echo alone, 10–13 s: over 15 dB taken out.
    expect(10 * Math.log10(sum(10, 13, 'raw') / sum(10, 13, 'left'))).toBeGreaterThan(15);
    // The player (over 10 dB under her echo), 13.1–15 s: what is left is the player, within 3 dB.
    let playerEnergy = 0;
    for (let i = 13.1 * RATE; i < 15 * RATE; i++) playerEnergy += (player[i] as number) ** 2;
    const left = sum(13.1, 15, 'left') * CHUNK;
    expect(Math.abs(10 * Math.log10(left / playerEnergy))).toBeLessThan(3);
    expect(sum(13.1, 15, 'raw') * CHUNK).toBeGreaterThan(10 * playerEnergy);
  });

  it('passes the raw microphone through while the output’s lag is unknown', () => {
    const model = new EchoModel();
    const raw = whiteNoise(CHUNK * 10, 4).map((v) => 0.1 * v);
    for (let at = 0; at < raw.length; at += CHUNK) model.push(raw.subarray(at, at + CHUNK), new Float32Array(CHUNK), true);
    expect(model.ready).toBe(false);
    expect(model.residualMeanSquare).toBeCloseTo(model.rawMeanSquare, 10);
    expect(model.rawMeanSquare).toBeGreaterThan(0.001);
  });
});
