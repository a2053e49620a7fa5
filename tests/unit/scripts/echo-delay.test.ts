import { describe, expect, it } from 'vitest';
import { EchoDelay } from '../../../scripts/loop-session/echo-delay.ts';
import { speechLike, whiteNoise } from '../../support/signal.ts';

const RATE = 16000;
const CHUNK = 320;
const SECONDS = 40;
/** The true lag: 150 ms, drifting by 100 ppm (1.6 samples a second), jumping 20 ms later at 20 s. */
const truth = (i: number) => 2400 + 1e-4 * i + (i >= 20 * RATE ? 320 : 0);

/** `x` at a fractional position, by linear-phase windowed sinc over 32 taps (0 outside). */
function at(x: Float32Array, t: number): number {
  const k = Math.floor(t);
  let sum = 0;
  for (let j = k - 15; j <= k + 16; j++) {
    const d = t - j;
    const w = d === 0 ? 1 : (Math.sin(Math.PI * d) / (Math.PI * d)) * (0.5 + 0.5 * Math.cos((Math.PI * d) / 16));
    sum += w * (x[j] ?? 0);
  }
  return sum;
}

/** Her speech, and the microphone hearing it at `lag(i)` at half level, in noise. */
function session(lag: (i: number) => number = truth): { output: Float32Array; mic: Float32Array } {
  const output = speechLike(SECONDS, 5, 0.3);
  const noise = whiteNoise(output.length, 3);
  const mic = Float32Array.from(output, (_, i) => 0.5 * at(output, i - lag(i)) + 0.003 * (noise[i] as number));
  return { output, mic };
}

/** Pushes the session chunk by chunk, calling `each` after every second. */
function run(
  delay: EchoDelay,
  s: { output: Float32Array; mic: Float32Array },
  until: number,
  each: (end: number) => void = () => {},
): void {
  for (let end = CHUNK; end <= until; end += CHUNK) {
    delay.push(s.mic.subarray(end - CHUNK, end), s.output.subarray(end - CHUNK, end));
    if (end % RATE === 0) each(end);
  }
}

describe('EchoDelay', () => {
  it('follows a 100 ppm drift to within a sample and a jump within three seconds, predicting each second before it comes', () => {
    const delay = new EchoDelay();
    const errors: { second: number; error: number }[] = [];
    run(delay, session(), SECONDS * RATE, (end) => {
      if (delay.known) errors.push({ second: end / RATE, error: Math.abs(delay.predict(end + RATE / 2) - truth(end + RATE / 2)) });
    });
    const settled = errors.filter((e) => e.second >= 6 && !(e.second >= 19 && e.second < 23));
    expect(settled.length).toBeGreaterThan(25);
    expect(Math.max(...settled.map((e) => e.error))).toBeLessThan(1);
    // Known from the first second whose echo has wholly arrived.
    expect(errors[0]?.second).toBeLessThanOrEqual(3);
    expect(delay.jumps).toBe(1);
  });

  it('drops one misreading off the line instead of jumping to it', () => {
    // 1.2 s of the microphone hear her 100 ms later (a glitch), then the path is as before.
    const s = session((i) => truth(i) + (i >= 10 * RATE && i < 11.2 * RATE ? 1600 : 0));
    const delay = new EchoDelay();
    run(delay, s, 18 * RATE);
    expect(delay.jumps).toBe(0);
    expect(delay.dropped).toBeGreaterThanOrEqual(1);
    expect(Math.abs(delay.predict(18.5 * RATE) - truth(18.5 * RATE))).toBeLessThan(1);
  });

  it('finds no lag where the microphone does not hear the output', () => {
    const s = session();
    const delay = new EchoDelay();
    run(delay, { output: s.output, mic: whiteNoise(s.mic.length, 8).map((v) => 0.01 * v) }, 10 * RATE);
    expect(delay.known).toBe(false);
  });

  it('lines the output up `lead` samples before its echo', () => {
    const s = session();
    const delay = new EchoDelay();
    const played = new Float32Array(CHUNK);
    const lead = 480;
    const aligned = new Float32Array(s.mic.length);
    for (let end = CHUNK; end <= 19 * RATE; end += CHUNK) {
      delay.push(s.mic.subarray(end - CHUNK, end), s.output.subarray(end - CHUNK, end));
      delay.aligned(played, lead);
      aligned.set(played, end - CHUNK);
    }
    // 10–19 s, where the lag is settled: the microphone is half the output as aligned `lead` samples
    // earlier, within 0.1 sample (her sound reaches 8 kHz: the error 15 dB under); a sample off, the error is louder than it.
    let err = 0;
    let sig = 0;
    let offByOne = 0;
    for (let i = 10 * RATE; i < 19 * RATE; i++) {
      sig += (s.mic[i] as number) ** 2;
      err += ((s.mic[i] as number) - 0.5 * (aligned[i - lead] as number)) ** 2;
      offByOne += ((s.mic[i] as number) - 0.5 * (aligned[i - lead + 1] as number)) ** 2;
    }
    expect(10 * Math.log10(sig / err)).toBeGreaterThan(12);
    expect(10 * Math.log10(sig / offByOne)).toBeLessThan(6);
  });
});
