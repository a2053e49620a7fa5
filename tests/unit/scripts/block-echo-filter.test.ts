import { describe, expect, it } from 'vitest';
import { BlockEchoFilter } from '../../../scripts/loop-session/block-echo-filter.ts';
import { rms, speechLike, whiteNoise } from '../../support/signal.ts';

const RATE = 16000;

/** A room's echo path: 40 samples of delay, then a random tail decaying 60 dB in 0.6 s, 3000 taps. */
function roomPath(): Float32Array {
  const noise = whiteNoise(3000, 7);
  return noise.map((v, i) => (i < 40 ? 0 : 0.3 * v * Math.exp((-6.9 * (i - 40)) / (0.6 * RATE))));
}

function convolve(x: Float32Array, h: Float32Array): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    let s = 0;
    for (let j = 0; j < h.length && j <= i; j++) s += (h[j] as number) * (x[i - j] as number);
    out[i] = s;
  }
  return out;
}

function run(filter: BlockEchoFilter, played: Float32Array, heard: Float32Array, adapt: (b: number) => boolean): Float32Array {
  const n = filter.block;
  const out = new Float32Array(heard.length);
  for (let b = 0; b + n <= heard.length; b += n) out.set(filter.process(played.subarray(b, b + n), heard.subarray(b, b + n), adapt(b)), b);
  return out;
}

const db = (a: number, b: number) => 20 * Math.log10(a / b);

describe('BlockEchoFilter', () => {
  it('learns a reverberant echo path from her speech in a noisy room and takes the echo out by more than 25 dB', () => {
    const played = speechLike(6, 3, 0.3);
    const noise = whiteNoise(played.length, 9); // the room's noise, −50 dBFS, heard through her pauses too
    const heard = convolve(played, roomPath()).map((v, i) => v + 0.005 * (noise[i] as number));
    const residual = run(new BlockEchoFilter(), played, heard, () => true);
    const last = [4 * RATE, 6 * RATE] as const;
    expect(db(rms(heard, ...last), rms(residual, ...last))).toBeGreaterThan(25);
  });

  it('with learning held while the player talks, leaves the player whole under her echo', () => {
    const played = speechLike(6, 3, 0.3);
    const echo = convolve(played, roomPath());
    const player = new Float32Array(played.length);
    player.set(speechLike(1, 11, 0.3), 5 * RATE); // over 10 dB under her echo
    const heard = echo.map((v, i) => v + (player[i] as number));
    const filter = new BlockEchoFilter();
    const residual = run(filter, played, heard, (b) => b < 5 * RATE - 256);
    const during = [5 * RATE, 6 * RATE] as const;
    const left = residual.map((v, i) => v - (player[i] as number));
    expect(db(rms(player, ...during), rms(left, ...during))).toBeGreaterThan(15);
    expect(rms(echo, ...during)).toBeGreaterThan(3 * rms(player, ...during));
  });

  it('starts again from nothing when its model adds more than it takes away (the echo path went)', () => {
    const played = speechLike(5, 3, 0.3);
    const heard = convolve(played, roomPath());
    heard.fill(0, 4 * RATE); // from 4 s on, the microphone no longer hears her
    const filter = new BlockEchoFilter();
    const residual = run(filter, played, heard, () => true);
    expect(filter.resets).toBeGreaterThanOrEqual(1);
    // Without the reset, the model's echo would go out as sound of its own, as loud as her echo.
    expect(rms(residual, 4.25 * RATE, 5 * RATE)).toBeLessThan(0.01 * rms(heard, 3 * RATE, 4 * RATE));
  });

  it('refuses a block of the wrong length', () => {
    const filter = new BlockEchoFilter({ block: 128, partitions: 2 });
    expect(() => filter.process(new Float32Array(128), new Float32Array(100), true)).toThrow(RangeError);
  });
});
