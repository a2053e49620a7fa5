import { describe, expect, it } from 'vitest';
import { EchoEstimator, EchoGuard } from '../../src/plugin/audio/echo-guard.ts';

const RATE = 16000;

/** Speech-like: noise in syllable-sized bursts with pauses (deterministic). */
function speechLike(seconds: number, seed: number, amp = 0.3): Float32Array {
  const out = new Float32Array(Math.round(seconds * RATE));
  let s = seed;
  for (let i = 0; i < out.length; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    const t = i / RATE;
    const env = Math.max(0, Math.sin(2 * Math.PI * (3 + (seed % 3)) * t + seed)) ** 2;
    out[i] = amp * env * ((s / 2 ** 32) * 2 - 1);
  }
  return out;
}

function delayed(x: Float32Array, ms: number, gain: number): Float32Array {
  const d = Math.round((ms / 1000) * RATE);
  const out = new Float32Array(x.length);
  for (let i = d; i < x.length; i++) out[i] = (x[i - d] as number) * gain;
  return out;
}

function add(a: Float32Array, b: Float32Array): Float32Array {
  return a.map((v, i) => v + (b[i] as number));
}

function feed(est: EchoEstimator, mic: Float32Array, ref: Float32Array): void {
  for (let i = 0; i < mic.length; i += 320) est.push(mic.subarray(i, i + 320), ref.subarray(i, i + 320));
}

describe('EchoEstimator', () => {
  it('finds an echo: its delay and how much quieter it is', () => {
    const ref = speechLike(3, 1);
    const est = new EchoEstimator();
    feed(est, delayed(ref, 120, 0.2), ref); // −14 dB, 120 ms late
    const e = est.estimate();
    expect(e?.echo).toBe(true);
    expect(e?.lagMs).toBeGreaterThanOrEqual(110);
    expect(e?.lagMs).toBeLessThanOrEqual(130);
    expect(e?.returnLossDb).toBeCloseTo(14, 0);
    expect(e?.correlation).toBeGreaterThan(0.8);
  });

  it('a cancelled echo (a faint residue) is not an echo', () => {
    const ref = speechLike(3, 2);
    const est = new EchoEstimator();
    feed(est, add(delayed(ref, 80, 1e-5), speechLike(3, 99, 1e-6)), ref);
    const e = est.estimate();
    expect(e?.echo).toBe(false);
    expect(e?.returnLossDb).toBeGreaterThan(60);
  });

  it('the player talking at the same time is not mistaken for echo', () => {
    const ref = speechLike(3, 3);
    const est = new EchoEstimator();
    feed(est, speechLike(3, 7, 0.3), ref);
    expect(est.estimate()?.echo).toBe(false);
  });

  it('says nothing when the NPC was silent', () => {
    const est = new EchoEstimator();
    feed(est, speechLike(3, 4), new Float32Array(3 * RATE));
    expect(est.estimate()).toBeNull();
  });
});

describe('EchoGuard', () => {
  function run(guard: EchoGuard, mic: Float32Array, ref: Float32Array, ptt = false): boolean[] {
    const admitted: boolean[] = [];
    for (let i = 0; i < mic.length; i += 320) admitted.push(guard.admit(mic.subarray(i, i + 320), ref.subarray(i, i + 320), ptt));
    return admitted;
  }

  it('auto: with echo, holds the microphone while the NPC speaks, then lets it through after a hangover', () => {
    const events: string[] = [];
    const guard = new EchoGuard(true, (e, s) => events.push(`${s}:${Math.round(e.returnLossDb)}`));
    const ref = speechLike(4, 5);
    const admitted = run(guard, delayed(ref, 100, 0.3), ref);
    expect(guard.state).toBe('echo');
    expect(events[0]).toMatch(/^echo:1\d$/);
    expect(admitted.slice(-20).every((a) => !a)).toBe(true); // held while she speaks
    const after = run(guard, new Float32Array(RATE), new Float32Array(RATE));
    expect(after.slice(0, 10).every((a) => !a)).toBe(true); // hangover
    expect(after.slice(-10).every((a) => a)).toBe(true); // then open again
  });

  it('auto: with the echo cancelled, everything goes through (so the player can barge in)', () => {
    const guard = new EchoGuard(true);
    const ref = speechLike(4, 6);
    const admitted = run(guard, add(delayed(ref, 100, 1e-5), speechLike(4, 8, 0.2)), ref);
    expect(guard.state).toBe('cancelled');
    expect(admitted.every((a) => a)).toBe(true);
  });

  it('auto: before measuring, trusts the browser — a track without a canceller is held', () => {
    const guard = new EchoGuard(false);
    const ref = speechLike(0.5, 9);
    expect(run(guard, new Float32Array(ref.length), ref).at(-1)).toBe(false);
  });

  it('half-duplex always holds while the NPC is audible; push-to-talk overrides; off never holds', () => {
    const ref = speechLike(1, 10);
    const silent = new Float32Array(ref.length);
    expect(run(new EchoGuard(true, undefined, { mode: 'half-duplex' }), silent, ref).at(-1)).toBe(false);
    expect(run(new EchoGuard(true, undefined, { mode: 'half-duplex' }), silent, ref, true).at(-1)).toBe(true);
    expect(run(new EchoGuard(false, undefined, { mode: 'off' }), delayed(ref, 50, 0.5), ref).every((a) => a)).toBe(true);
  });
});
