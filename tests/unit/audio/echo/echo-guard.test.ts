import { describe, expect, it } from 'vitest';
import { MicChunk } from '../../../../src/plugin/audio/capture/mic-chunk.ts';
import { EchoEstimator, EchoGuard } from '../../../../src/plugin/audio/echo/echo-guard.ts';
import { resonance, speechLike, whiteNoise } from '../../../support/signal.ts';
import { closeSpeech, concat, playerSpeech16k, silence16k, speech16k } from '../../../support/speech.ts';

const RATE = 16000;

function delayed(x: Float32Array, ms: number, gain: number): Float32Array {
  const d = Math.round((ms / 1000) * RATE);
  const out = new Float32Array(x.length);
  for (let i = d; i < x.length; i++) out[i] = (x[i - d] as number) * gain;
  return out;
}

function add(a: Float32Array, b: Float32Array): Float32Array {
  return a.map((v, i) => v + (b[i] as number));
}

function rms(x: Float32Array): number {
  let s = 0;
  for (const v of x) s += v * v;
  return Math.sqrt(s / Math.max(1, x.length));
}

/** Her voice without a break (no line onset): syllables (`seed`) over a quieter voice and a hum (`underSeed`). */
function herVoice(seconds: number, seed: number, underSeed: number): Float32Array {
  return add(
    speechLike(seconds, seed),
    speechLike(seconds, underSeed, 0.05).map((v, i) => v + 0.03 * Math.sin(i)),
  );
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
  const CHUNK = 320;
  /**
   * Feeds `mic`/`ref` chunk by chunk and returns the indices of the input chunks the guard sent,
   * in the order it sent them (each chunk is tagged in its first sample).
   */
  const index = new Map<number, number>(); // tag → chunk index (tags are unique per index)
  const SILENCED = -1;
  function run(guard: EchoGuard, mic: Float32Array, ref: Float32Array, ptt = false, first = 0): number[] {
    const sent: number[] = [];
    const send = ({ samples: chunk }: MicChunk): void => {
      if (chunk.every((v) => v === 0)) {
        sent.push(SILENCED);
        return;
      }
      const k = index.get(chunk[0] as number);
      if (k === undefined) throw new Error('sent a chunk that was never fed');
      sent.push(k);
    };
    for (let i = 0, k = first; i < mic.length; i += CHUNK, k++) {
      const m = mic.slice(i, i + CHUNK);
      m[0] = Math.fround((k + 1) * 1e-6);
      index.set(m[0] as number, k);
      guard.talkKeyHeld = ptt;
      guard.process(new MicChunk(m).measure(), ref.subarray(i, i + CHUNK), send);
    }
    return sent;
  }
  const chunksIn = (x: Float32Array): number => x.length / CHUNK;
  const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

  it('auto: with echo, holds the microphone while the NPC speaks, then lets it through after a hangover', () => {
    const events: string[] = [];
    const guard = new EchoGuard(true, (e, s) => events.push(`${s}:${Math.round(e.returnLossDb)}`));
    const ref = speechLike(4, 5);
    const sent = run(guard, delayed(ref, 100, 0.3), ref);
    expect(guard.state).toBe('echo');
    expect(events[0]).toMatch(/^echo:1\d$/);
    expect(sent.filter((k) => k >= chunksIn(ref) - 20)).toEqual([]); // held while she speaks
    const n = chunksIn(ref);
    const after = run(guard, new Float32Array(RATE), new Float32Array(RATE), false, n);
    expect(after.filter((k) => k < n + 10)).toEqual([]); // hangover
    expect(after.slice(-10)).toEqual(range(n + 40, n + 50)); // then open again, nothing delayed
    expect(guard.held).toBeGreaterThan(n);
  });

  it('auto: a player whose loudness follows hers (not her waveform) is not taken for echo when a canceller is on', () => {
    const ref = speechLike(4, 5);
    // Her envelope exactly, another waveform: every sample's sign flipped at random.
    let seed = 99;
    const other = ref.map((v) => {
      seed = (seed * 1664525 + 1013904223) >>> 0;
      return seed & 1 ? v : -v;
    });
    const mic = delayed(other, 100, 0.3);
    const withCanceller = new EchoGuard(true);
    run(withCanceller, mic, ref);
    expect(withCanceller.state).toBe('cancelled');
    expect(withCanceller.estimate?.echo).toBe(false);
    // The same loudness, her own waveform: echo.
    const echoed = new EchoGuard(true);
    run(echoed, delayed(ref, 100, 0.3), ref);
    expect(echoed.state).toBe('echo');
    // No canceller: loudness alone still counts (a room's echo need not match sample by sample).
    const without = new EchoGuard(false);
    run(without, mic, ref);
    expect(without.state).toBe('echo');
  });

  it('auto: with the echo cancelled, a player talking over the NPC goes out whole, in order, late by the delay line', async () => {
    const guard = new EchoGuard(true);
    const ref = speechLike(5, 6);
    const n = chunksIn(ref);
    const words = await playerSpeech16k('Excuse me, I need to tell you something important right now.');
    const player = concat(silence16k(2.5), words).subarray(0, ref.length);
    const sent = run(guard, add(delayed(ref, 100, 1e-5), player), ref);
    expect([guard.state, guard.leaks, guard.bursts]).toEqual(['cancelled', 0, 0]);
    // (The first chunk or so goes out before her voice starts.)
    const start = sent.find((k) => k > 5) as number;
    expect(start).toBeLessThanOrEqual(2000 / 20 + 2); // held only until the first estimate (2 s)
    // Once her words last (140 ms) she has the floor: the delay line empties and the rest goes as it comes.
    expect(sent.filter((k) => k >= start)).toEqual(range(start, n));
    // When she falls silent the line drains: nothing lost, nothing twice.
    const after = run(guard, new Float32Array(2 * RATE), new Float32Array(2 * RATE), false, n);
    expect([...sent, ...after].filter((k) => k >= start)).toEqual(range(start, n + (2 * RATE) / CHUNK));
    expect([guard.leaks, guard.bursts]).toEqual([0, 0]);
    await closeSpeech();
  });

  it('auto: with the echo cancelled, short bursts (a canceller re-locking) go out as silence; nothing of them is sent', () => {
    const guard = new EchoGuard(true);
    // She talks without a pause here (a floor of noise under the syllables), so every burst carries echo.
    const ref = herVoice(5, 21, 23);
    const echo = delayed(ref, 150, 0.5);
    // Bursts of 60–120 ms where her voice gets through the canceller, processed past recognition:
    // her loudness, nothing of her waveform (a canceller's output correlates ~0.2 with its input).
    const bursts = [
      [2.6, 0.06],
      [3.3, 0.1],
      [4.4, 0.12],
    ] as const;
    const white = speechLike(5, 24, 1).map((v, i) => v + Math.sin(i * 2.1)); // no gaps
    const mic = echo.map((v, i) => {
      const t = i / RATE;
      if (bursts.some(([at, len]) => t >= at && t < at + len)) {
        const frame = echo.subarray(i - (i % 160), i - (i % 160) + 160);
        return 0.3 * rms(frame) * (white[i] as number);
      }
      return v * 1e-4;
    });
    const sent = run(guard, mic, ref);
    const loud = (k: number): boolean => rms(mic.subarray(k * CHUNK, (k + 1) * CHUNK)) > 10 ** (-55 / 20);
    const burstChunks = bursts.flatMap(([at, len]) => range(Math.floor((at * RATE) / CHUNK), Math.round(((at + len) * RATE) / CHUNK)));
    expect(burstChunks.every(loud)).toBe(true); // the test is what it says
    expect(sent.filter(loud)).toEqual([]);
    expect([guard.state, guard.leaks]).toEqual(['cancelled', 0]); // all told by loudness and duration
    expect(guard.bursts).toBeGreaterThan(0);
    expect(sent.filter((k) => k === SILENCED).length).toBeGreaterThan(0);
  });

  /**
   * Like `run`, but she pauses the moment the guard asks (playerHasFloor): from then on her
   * reference is silent, `echoOf` (what of her reaches the mic) stops `echoTailChunks` later, and
   * the player is heard as `player` instead of `playerWhileSheSpeaks` (what the canceller leaves).
   * With `late`, the game's frame came that many chunks late: those were captured before she
   * paused, so her echo goes on that much longer (`tell`: the guard is told, as the plugin does).
   * Returns what was sent, when she paused, and what the microphone heard.
   */
  function runPausing(
    guard: EchoGuard,
    echoOf: Float32Array,
    player: Float32Array,
    playerWhileSheSpeaks: Float32Array,
    ref: Float32Array,
    { late = 0, tell = true } = {},
  ) {
    const echoTailChunks = 3 + late;
    const sent: number[] = [];
    const heard = new Float32Array(ref.length);
    let pausedAt = -1;
    const send = ({ samples: chunk }: MicChunk): void => {
      if (chunk.every((v) => v === 0)) sent.push(SILENCED);
      else sent.push(index.get(chunk[0] as number) as number);
    };
    for (let i = 0, k = 0; i < ref.length; i += CHUNK, k++) {
      const paused = pausedAt >= 0;
      const m = (paused ? player : playerWhileSheSpeaks).slice(i, i + CHUNK);
      if (!paused || k < pausedAt + echoTailChunks) for (let j = 0; j < m.length; j++) m[j] = (m[j] as number) + (echoOf[i + j] as number);
      heard.set(m, i);
      m[0] = Math.fround((k + 1) * 1e-6);
      index.set(m[0] as number, k);
      guard.process(new MicChunk(m).measure(), paused ? new Float32Array(CHUNK) : ref.subarray(i, i + CHUNK), send);
      if (!paused && guard.playerHasFloor) {
        pausedAt = k + 1;
        if (tell) guard.voiceStopped(late);
      }
    }
    const loud = (k: number): boolean => rms(heard.subarray(k * CHUNK, (k + 1) * CHUNK)) > 10 ** (-55 / 20);
    return { sent, pausedAt, loud };
  }

  it('auto with a probe: a fan at −62 dBFS (above the −80 dBFS a squeezed player may sink to) never asks her to pause; a player over it still does', async () => {
    const ref = speechLike(6, 61);
    let seed = 7;
    const fan = new Float32Array(ref.length).map(() => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return 10 ** (-62 / 20) * Math.sqrt(3) * (seed / 1073741824 - 1); // uniform, −62 dBFS RMS
    });
    const residue = delayed(ref, 100, 1e-5);
    const guard = new EchoGuard(true, () => {}, { probeMs: 360 });
    const quiet = runPausing(guard, residue, fan, fan, ref);
    expect([quiet.pausedAt, guard.falseAlarms, guard.playerHasFloor]).toEqual([-1, 0, false]);
    expect(guard.noiseDb).toBeGreaterThan(-64);
    expect(guard.noiseDb).toBeLessThan(-60);
    // The same room with the player talking over her from 3 s, 20 dB down (the canceller's squeeze): she is asked to pause.
    const words = await playerSpeech16k('Excuse me, I need to tell you something important right now.');
    const player = add(
      fan,
      concat(
        silence16k(3),
        words.map((v) => v * 0.1),
      ).subarray(0, ref.length),
    );
    const heard = new EchoGuard(true, () => {}, { probeMs: 360 });
    const talking = runPausing(heard, residue, player, player, ref);
    expect(talking.pausedAt).toBeGreaterThan(3 * 50);
    expect(talking.pausedAt).toBeLessThan(3 * 50 + 25);
    expect(heard.falseAlarms).toBe(0);
  });

  it('auto with a probe: a long canceller slip asks her to pause, stops with her voice, and goes out as silence', () => {
    const ref = herVoice(6, 31, 33);
    // A slip of 300 ms at 3.5 s — long and loud enough to pass for a player — processed past
    // recognition (her loudness, not her waveform); the rest is the canceller's faint residue.
    const white = speechLike(6, 34, 1).map((v, i) => v + Math.sin(i * 2.1));
    const echoOf = delayed(ref, 100, 1).map((v, i) => {
      const t = i / RATE;
      return t >= 3.5 && t < 3.8 ? 0.3 * (white[i] as number) * Math.abs(v) + 0.02 * (white[i] as number) : v * 1e-5;
    });
    const silence = new Float32Array(ref.length);
    const probed = new EchoGuard(true, () => {}, { probeMs: 360 });
    const { sent, pausedAt, loud } = runPausing(probed, echoOf, silence, silence, ref);
    expect(pausedAt).toBeGreaterThan(3.5 * 50); // she was asked to pause during the slip
    expect(pausedAt).toBeLessThan(3.8 * 50);
    expect(range(175, 190).filter(loud).length).toBeGreaterThan(5); // the slip was in the microphone
    expect(sent.filter((k) => k >= 0 && loud(k))).toEqual([]); // nothing of it went out
    expect([probed.falseAlarms, probed.playerHasFloor, probed.leaks]).toEqual([1, false, 0]);
    // Without the probe the same slip takes the floor and goes out: the probe is what caught it.
    const plain = new EchoGuard(true);
    const slipLoud = (k: number): boolean => rms(echoOf.subarray(k * CHUNK, (k + 1) * CHUNK)) > 10 ** (-55 / 20);
    expect(run(plain, echoOf, ref).filter((k) => k >= 0 && slipLoud(k)).length).toBeGreaterThan(5);
  });

  it('auto with a probe: after a late frame, the probe listens only once the chunks captured before she paused have gone by', () => {
    const ref = speechLike(6, 51);
    // The canceller fails from 3.5 s on: her echo is loud until she pauses, and for as long after
    // as the frame was late (12 chunks, 240 ms) plus the echo path; processed past recognition.
    const white = speechLike(6, 52, 1).map((v, i) => v + Math.sin(i * 2.1));
    const echoOf = delayed(ref, 100, 1).map((v, i) =>
      i / RATE >= 3.5 ? 0.3 * (white[i] as number) * Math.abs(v) + 0.02 * (white[i] as number) : v * 1e-5,
    );
    const silence = new Float32Array(ref.length);
    const told = new EchoGuard(true, () => {}, { probeMs: 360 });
    const { sent, pausedAt, loud } = runPausing(told, echoOf, silence, silence, ref, { late: 12 });
    expect(pausedAt).toBeGreaterThan(3.5 * 50);
    expect(range(pausedAt, pausedAt + 15).filter(loud).length).toBeGreaterThan(10); // her echo went on
    expect(sent.filter((k) => k >= 0 && loud(k))).toEqual([]); // and none of it went out
    expect([told.falseAlarms, told.playerHasFloor]).toEqual([1, false]);
    // Counting from the chunk that started it, the probe hears her late echo and takes it for the player.
    const untold = new EchoGuard(true, () => {}, { probeMs: 360 });
    const blind = runPausing(untold, echoOf, silence, silence, ref, { late: 12, tell: false });
    expect(blind.sent.filter((k) => k >= 0 && blind.loud(k)).length).toBeGreaterThan(10);
    expect(untold.falseAlarms).toBe(0);
  });

  it('auto with a probe: her voice still in a long output path, let through once she paused, is her echo — she plays on; a player who talks on still gets the floor', () => {
    const ref = herVoice(6, 91, 92);
    const residue = delayed(ref, 100, 1e-5);
    // Someone coughs over her at 3 s (160 ms, −30 dBFS): she is asked to pause.
    const other = speechLike(6, 95, 1);
    const cough = other.map((v, i) => {
      const k = Math.floor(i / CHUNK);
      return k >= 150 && k < 158 ? v * (10 ** (-30 / 20) / (rms(other.subarray(k * CHUNK, (k + 1) * CHUNK)) || 1)) : 0;
    });
    // Once she paused, the canceller lets go while her voice is still on its way: 300 ms late, in
    // chunks 158–171, at her own level less 10 dB.
    const late = delayed(ref, 300, 10 ** (-10 / 20)).map((v, i) => (i >= 158 * CHUNK && i < 172 * CHUNK ? v : 0));
    const echoOf = add(residue, late);
    const heard = (guard: EchoGuard, player: Float32Array) => runPausing(guard, echoOf, player, cough, ref, { late: 16, tell: false });
    const guard = new EchoGuard(true, () => {}, { probeMs: 360 });
    const { sent, pausedAt, loud } = heard(guard, cough);
    expect(pausedAt).toBeGreaterThan(150);
    expect(pausedAt).toBeLessThanOrEqual(158);
    expect(range(pausedAt + 8, pausedAt + 18).filter(loud).length).toBeGreaterThanOrEqual(3); // what the probe listened to was loud
    expect([guard.falseAlarms, guard.playerHasFloor]).toEqual([1, false]);
    expect(sent.filter((k) => k >= 158 && loud(k))).toEqual([]); // none of her echo went out
    // A player who goes on talking after the cough, as loud as her echo, takes the floor.
    const words = other.map((v, i) => (i >= 150 * CHUNK ? v * (10 ** (-30 / 20) / 0.3) : 0));
    const player = new EchoGuard(true, () => {}, { probeMs: 360 });
    const talked = heard(player, words);
    expect(talked.pausedAt).toBe(pausedAt);
    expect(player.falseAlarms).toBe(0);
    // Her echo was in its first listen: it listened once more, then everything went out, in order.
    expect(talked.sent.filter((k) => k >= 150)).toEqual(range(150, chunksIn(ref)));
  });

  it('auto with a probe: a player talking over her (suppressed to −65 dBFS by the canceller) asks her to pause, talks on, and goes out whole, in order', async () => {
    const ref = speechLike(6, 41);
    const words = await playerSpeech16k('Excuse me, I need to tell you something important right now.');
    const player = concat(silence16k(3), words).subarray(0, ref.length);
    // While she plays, the canceller squeezes the player 40 dB down (to about −65 dBFS).
    const squeezed = player.map((v) => v * 10 ** (-40 / 20));
    const guard = new EchoGuard(true, () => {}, { probeMs: 360 });
    const { sent, pausedAt } = runPausing(guard, delayed(ref, 100, 1e-5), player, squeezed, ref);
    const speaks = range(0, chunksIn(ref)).find((k) => rms(player.subarray(k * CHUNK, (k + 1) * CHUNK)) > 1e-3) as number;
    expect(speaks).toBeGreaterThanOrEqual(3 * 50);
    expect(pausedAt).toBeGreaterThan(speaks);
    expect(pausedAt).toBeLessThan(speaks + 25); // asked within 500 ms: −60…−70 dBFS counts as sound here
    expect([guard.falseAlarms, guard.leaks, guard.state]).toEqual([0, 0, 'cancelled']);
    // Everything from the delay line (160 ms) before she was asked on goes out whole, in order,
    // once; what the canceller let through earlier, in bits, went out as silence like any burst.
    const from = pausedAt - 1 - 8;
    expect(sent.filter((k) => k >= from)).toEqual(range(from, chunksIn(ref)));
    // Without the probe, that faint player would not have had the floor while she spoke.
    const plain = new EchoGuard(true);
    const plainSent = run(plain, add(delayed(ref, 100, 1e-5), squeezed), ref);
    expect(
      plainSent
        .filter((k) => k >= speaks && k < chunksIn(ref))
        .every((k) => k === SILENCED || rms(squeezed.subarray(k * CHUNK, (k + 1) * CHUNK)) < 10 ** (-55 / 20)),
    ).toBe(true);
    await closeSpeech();
  });

  it('auto: early in a line, while the canceller converges, a longer burst also goes out as silence; a player still gets through', async () => {
    // A first line to measure on, a pause, then the next line: its first 300 ms leak (loud, distorted).
    const first = add(speechLike(3, 31), speechLike(3, 32, 0.05));
    const pause = new Float32Array(1.5 * RATE);
    const next = add(speechLike(2, 33), speechLike(2, 34, 0.05));
    const ref = concat(first, pause, next);
    const nextAt = first.length + pause.length;
    const echo = delayed(ref, 120, 1);
    const noise = speechLike(ref.length / RATE, 35, 0.1);
    const leakFrom = nextAt + 0.2 * RATE;
    const leakTo = leakFrom + 0.3 * RATE;
    const mic = echo.map((v, i) => (i >= leakFrom && i < leakTo ? 0.1 * v + (noise[i] as number) + 0.02 * Math.sin(i * 1.3) : v * 1e-4));
    const guard = new EchoGuard(true);
    const sent = run(guard, mic, ref);
    expect([guard.state, guard.leaks, guard.bursts > 0]).toEqual(['cancelled', 0, true]);
    const loud = (k: number): boolean => rms(mic.subarray(k * CHUNK, (k + 1) * CHUNK)) > 10 ** (-55 / 20);
    expect(range(leakFrom / CHUNK, leakTo / CHUNK).every(loud)).toBe(true);
    expect(sent.filter(loud)).toEqual([]);
    // (Without the longer wait early in a line, the burst would have been taken for the player.)
    const hasty = run(new EchoGuard(true, undefined, { onsetTalkMs: 140 }), mic, ref);
    expect(hasty.filter(loud).length).toBeGreaterThan(0);
    // The same moment, but the player speaking: held longer; what they say from the end of that
    // window (700 ms into her line) on is sent whole. (Their first syllables may go as silence.)
    const words = await playerSpeech16k('Excuse me, I need to tell you something important right now.');
    const player = new Float32Array(ref.length);
    player.set(words.subarray(0, ref.length - nextAt - 0.1 * RATE), nextAt + 0.1 * RATE);
    const talking = new EchoGuard(true);
    const heard = run(
      talking,
      add(
        echo.map((v) => v * 1e-4),
        player,
      ),
      ref,
    );
    const spoken = range((nextAt + 0.1 * RATE) / CHUNK, ref.length / CHUNK).filter(
      (k) => rms(player.subarray(k * CHUNK, (k + 1) * CHUNK)) > 0.01,
    );
    expect(spoken.length).toBeGreaterThan(20);
    expect(spoken.filter((k) => !heard.includes(k) && k >= (nextAt + 0.7 * RATE) / CHUNK)).toEqual([]);
    expect(heard.filter((k) => spoken.includes(k)).length).toBeGreaterThan(spoken.length * 0.8);
    expect([talking.leaks, talking.state]).toEqual([0, 'cancelled']);
    await closeSpeech();
  });

  it('auto with a probe: a burst of 200 ms at the start of a line (the canceller converging) does not ask her to pause', () => {
    const first = add(speechLike(3, 31), speechLike(3, 32, 0.05));
    const pause = new Float32Array(1.5 * RATE);
    const next = add(speechLike(2, 33), speechLike(2, 34, 0.05));
    const ref = concat(first, pause, next);
    const nextAt = first.length + pause.length;
    const noise = speechLike(ref.length / RATE, 35, 0.1);
    const leakFrom = nextAt + 0.2 * RATE;
    const leakTo = leakFrom + 0.2 * RATE;
    const echoOf = delayed(ref, 120, 1).map((v, i) =>
      i >= leakFrom && i < leakTo ? 0.1 * v + (noise[i] as number) + 0.02 * Math.sin(i * 1.3) : v * 1e-4,
    );
    const silence = new Float32Array(ref.length);
    const guard = new EchoGuard(true, () => {}, { probeMs: 360 });
    const { pausedAt, loud } = runPausing(guard, echoOf, silence, silence, ref);
    expect([pausedAt, guard.falseAlarms]).toEqual([-1, 0]);
    expect(range(leakFrom / CHUNK, leakTo / CHUNK).every(loud)).toBe(true); // the burst was in the microphone
    // Without the onset rule, the same burst costs her a pause.
    const hasty = new EchoGuard(true, () => {}, { probeMs: 360, onsetTalkMs: 0 });
    expect(runPausing(hasty, echoOf, silence, silence, ref).pausedAt).toBeGreaterThan(leakFrom / CHUNK);
  });

  it('auto: the tail of her echo still in the delay line when she stops goes out as silence', () => {
    const first = add(speechLike(3, 41), speechLike(3, 42, 0.05));
    const last = add(speechLike(0.1, 43), speechLike(0.1, 44, 0.05)); // a last short word after a pause
    const ref = concat(first, new Float32Array(0.5 * RATE), last, new Float32Array(1.5 * RATE));
    const end = first.length + 0.5 * RATE + last.length;
    const noise = speechLike(ref.length / RATE, 45, 0.1);
    const echo = delayed(ref, 160, 1);
    // The canceller lets the last 100 ms of the echo through, after her voice has stopped.
    const mic = echo.map((v, i) => (i >= end && i < end + 0.1 * RATE ? (noise[i] as number) + 0.05 * Math.sin(i) : v * 1e-4));
    const sent = run(new EchoGuard(true), mic, ref);
    const loud = (k: number): boolean => rms(mic.subarray(k * CHUNK, (k + 1) * CHUNK)) > 10 ** (-55 / 20);
    expect(range(end / CHUNK, (end + 0.1 * RATE) / CHUNK).every(loud)).toBe(true);
    expect(sent.filter(loud)).toEqual([]);
    expect(sent.at(-1)).toBe(ref.length / CHUNK - 1); // and then the microphone is open again
  });

  it('auto with a probe: her last words back 660 ms after she stopped (a long output path) go out as silence; a player answering at 300 ms goes out whole', () => {
    const ref = concat(add(speechLike(4, 46), speechLike(4, 47, 0.05)), new Float32Array(2 * RATE));
    const end = 4 * RATE;
    const late = { from: end + 0.66 * RATE, to: end + 0.72 * RATE };
    const echo = delayed(ref, 720, 0.3); // her last 60 ms, 10 dB down, let through when the canceller lets go
    const residue = add(delayed(ref, 100, 1e-5), speechLike(6, 48, 1e-4));
    const mic = residue.map((v, i) => (i >= late.from && i < late.to ? v + (echo[i] as number) : v));
    const guard = new EchoGuard(true, () => {}, { probeMs: 360 });
    const sent = run(guard, mic, ref);
    const loud = (k: number): boolean => rms(mic.subarray(k * CHUNK, (k + 1) * CHUNK)) > 10 ** (-45 / 20);
    expect(guard.state).toBe('cancelled');
    expect(range(late.from / CHUNK, late.to / CHUNK).every(loud)).toBe(true);
    expect(sent.filter(loud)).toEqual([]);
    expect(sent.at(-1)).toBe(ref.length / CHUNK - 1);
    // A player who answers 300 ms after she stopped: everything goes out, in order.
    const answer = speechLike(1.5, 49, 0.05);
    const answered = residue.map((v, i) =>
      i >= end + 0.3 * RATE && i < end + 1.8 * RATE ? v + (answer[i - end - 0.3 * RATE] as number) : v,
    );
    const out = run(new EchoGuard(true, () => {}, { probeMs: 360 }), answered, ref);
    expect(out.filter((k) => k >= 0)).toEqual(range(0, ref.length / CHUNK).filter((k) => out.includes(k)));
    expect(range((end + 0.3 * RATE) / CHUNK, (end + 1.8 * RATE) / CHUNK).every((k) => out.includes(k))).toBe(true);
  });

  it('auto: a canceller that slips is caught in the delay line — the leak is never sent, and echo sticks', () => {
    const events: string[] = [];
    const guard = new EchoGuard(true, (_e, s) => events.push(s));
    const ref = speechLike(6, 11);
    const n = chunksIn(ref);
    const slipAt = 4 * RATE;
    const residue = add(delayed(ref, 100, 1e-5), speechLike(6, 12, 1e-4));
    const echo = delayed(ref, 100, 0.3);
    const mic = residue.map((v, i) => (i >= slipAt ? v + (echo[i] as number) : v));
    const sent = run(guard, mic, ref);
    expect(events).toContain('cancelled');
    expect(guard.leaks).toBeGreaterThan(0);
    expect(guard.state).toBe('echo');
    expect(sent.filter((k) => k >= slipAt / CHUNK)).toEqual([]);
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.at(-1)).toBeLessThan(slipAt / CHUNK);
    // The canceller recovers, but the echo state holds for a while (sticky) rather than flapping.
    const more = speechLike(2, 13);
    run(guard, add(delayed(more, 100, 1e-5), speechLike(2, 14, 1e-4)), more, false, n);
    expect(guard.state).toBe('echo');
  });

  it('auto with a probe: after a leak the microphone is held for a second, not ten — a player two seconds later still asks her to pause', async () => {
    const ref = speechLike(8, 71);
    const words = await playerSpeech16k('Excuse me, I need to tell you something important right now.');
    const player = concat(silence16k(5.5), words).subarray(0, ref.length);
    const squeezed = player.map((v) => v * 10 ** (-30 / 20)); // the canceller squeezes a player talking over her
    // The canceller slips for half a second at 3 s: her own waveform, 10 dB down.
    const echo = delayed(ref, 100, 0.3);
    const echoOf = add(delayed(ref, 100, 1e-5), speechLike(8, 72, 1e-4)).map((v, i) =>
      i >= 3 * RATE && i < 3.5 * RATE ? v + (echo[i] as number) : v,
    );
    const speaks = range(0, chunksIn(ref)).find((k) => rms(player.subarray(k * CHUNK, (k + 1) * CHUNK)) > 1e-3) as number;
    const probed = new EchoGuard(true, () => {}, { probeMs: 360 });
    const { pausedAt } = runPausing(probed, echoOf, player, squeezed, ref);
    expect(probed.leaks).toBeGreaterThan(0);
    expect(pausedAt).toBeGreaterThan(speaks);
    expect(pausedAt).toBeLessThan(speaks + 25);
    // Held for ten seconds after the leak (the default without a probe), the same player is not heard while she speaks.
    const held = new EchoGuard(true, () => {}, { probeMs: 360, stickyMs: 10_000 });
    expect(runPausing(held, echoOf, player, squeezed, ref).pausedAt).toBe(-1);
    await closeSpeech();
  });

  it('auto with a probe: the hold after a leak ends at the first estimate after its second, and a burst just after counts as a line onset', () => {
    const ref = speechLike(10, 81);
    const leakEnd = 3.5 * RATE;
    const echo = delayed(ref, 100, 0.3); // the canceller slips for half a second at 3 s: her own waveform, 10 dB down
    const residue = add(delayed(ref, 100, 1e-5), speechLike(10, 82, 1e-4)).map((v, i) =>
      i >= 3 * RATE && i < leakEnd ? v + (echo[i] as number) : v,
    );
    const noise = speechLike(10, 83, 0.05); // a burst that is not her voice: what a canceller re-locking lets through
    const withBurst = (at: number) => residue.map((v, i) => (i >= at * CHUNK && i < (at + 10) * CHUNK ? v + (noise[i] as number) : v));
    const states = (guard: EchoGuard, mic: Float32Array) =>
      range(0, chunksIn(ref)).map((k) => {
        run(guard, mic.subarray(k * CHUNK, (k + 1) * CHUNK), ref.subarray(k * CHUNK, (k + 1) * CHUNK), false, k);
        return guard.state;
      });
    const cleared = (s: string[]) => s.findIndex((state, k) => k > leakEnd / CHUNK && state === 'cancelled');
    const probed = states(new EchoGuard(true, () => {}, { probeMs: 360 }), residue);
    expect(probed[leakEnd / CHUNK - 1]).toBe('echo');
    const clearAt = cleared(probed);
    // A second held from the last leak caught in the slip (sticky), then the first estimate (every 25 chunks) that finds it cancelled.
    expect(clearAt).toBeGreaterThanOrEqual(leakEnd / CHUNK + 40);
    expect(clearAt).toBeLessThanOrEqual(leakEnd / CHUNK + 50 + 25);
    // Three estimates in a row, as without a probe, hold it a second longer.
    const voted = cleared(states(new EchoGuard(true, () => {}, { stickyMs: 1000 }), residue));
    expect(voted).toBeGreaterThanOrEqual(clearAt + 50);
    // A 200 ms burst just after the hold ends goes out as silence; the same burst 1.5 s later asks her to pause.
    const silence = new Float32Array(ref.length);
    const early = new EchoGuard(true, () => {}, { probeMs: 360 });
    expect(runPausing(early, withBurst(clearAt + 5), silence, silence, ref).pausedAt).toBe(-1);
    const later = new EchoGuard(true, () => {}, { probeMs: 360 });
    expect(runPausing(later, withBurst(clearAt + 75), silence, silence, ref).pausedAt).toBeGreaterThan(clearAt + 75);
  });

  it('auto with a probe: a first syllable 17 dB above her echo’s bound asks her to pause within 60 ms of it; the same 10 dB above waits for more', () => {
    // She speaks on without a break (no line onset), the canceller leaves a faint residue.
    const ref = herVoice(6, 81, 82);
    const residue = delayed(ref, 100, 1e-5);
    // The player's first syllable at 3 s: three chunks, then the canceller squeezes the rest of
    // their words away while she speaks; once she pauses, they are heard at −40 dBFS.
    const at = 3 * 50;
    const noise = speechLike(6, 83, 1);
    const scaleTo = (db: number, from: number, to: number) => 10 ** (db / 20) / rms(noise.subarray(from, to));
    // Each of its chunks at `db`.
    const syllable = (db: number) =>
      noise.map((v, i) => {
        const k = Math.floor(i / CHUNK);
        return k >= at && k < at + 3 ? v * scaleTo(db, k * CHUNK, (k + 1) * CHUNK) : 0;
      });
    const wordsGain = scaleTo(-40, (at + 8) * CHUNK, noise.length);
    const words = noise.map((v, i) => (i >= (at + 8) * CHUNK ? v * wordsGain : 0));
    // The floor with a probe is −80 dBFS: −55 dBFS stands 25 dB above it, −72 dBFS 8 dB.
    const strong = new EchoGuard(true, () => {}, { probeMs: 360 });
    const loud = runPausing(strong, residue, add(syllable(-55), words), syllable(-55), ref);
    expect(loud.pausedAt).toBeGreaterThan(at);
    expect(loud.pausedAt).toBeLessThanOrEqual(at + 3);
    expect(strong.falseAlarms).toBe(0);
    expect(loud.sent.filter((k) => k >= at && k < at + 3)).toEqual([at, at + 1, at + 2]); // the syllable went out, in order
    const faint = new EchoGuard(true, () => {}, { probeMs: 360 });
    expect(runPausing(faint, residue, add(syllable(-72), words), syllable(-72), ref).pausedAt).toBe(-1);
  });

  it('auto with a probe: a player let through a syllable at a time (60 ms, then 240 ms squeezed away) asks her to pause at the second syllable; a 160 ms line waits on', () => {
    const ref = herVoice(8, 84, 85);
    const residue = delayed(ref, 100, 1e-5);
    // From 3 s, syllables of three chunks every fifteen, each chunk at −68 dBFS: 12 dB above the
    // −80 dBFS floor, so each counts once. Once she pauses, the player is heard at −40 dBFS.
    const at = 3 * 50;
    const noise = whiteNoise(8 * RATE, 86);
    const syllables = noise.map((v, i) => {
      const k = Math.floor(i / CHUNK);
      if (k < at || (k - at) % 15 >= 3) return 0;
      return v * (10 ** (-68 / 20) / rms(noise.subarray(k * CHUNK, (k + 1) * CHUNK)));
    });
    const wordsGain = 10 ** (-40 / 20) / rms(noise.subarray(at * CHUNK));
    const words = noise.map((v, i) => (i >= at * CHUNK ? v * wordsGain : 0));
    const guard = new EchoGuard(true, () => {}, { probeMs: 360 });
    const { pausedAt, sent } = runPausing(guard, residue, words, syllables, ref);
    // Asked on the second syllable's last chunk: six chunks of sound within 400 ms.
    expect(pausedAt).toBe(at + 15 + 3);
    expect([guard.falseAlarms, guard.copies, guard.leaks]).toEqual([0, 0, 0]);
    // Both syllables went out, in order, with what lay between them.
    expect(sent.filter((k) => k >= at && k < at + 18)).toEqual(range(at, at + 18));
    // Over a 160 ms line (the default without a probe), three chunks of sound is all it ever holds.
    const short = new EchoGuard(true, () => {}, { probeMs: 360, lookaheadMs: 160 });
    expect(runPausing(short, residue, words, syllables, ref).pausedAt).toBe(-1);
  });

  /** Chunks 150–152 (3 s: mid-line, no onset rule) of `x`, silence elsewhere. */
  const SLIP_AT = 3 * 50;
  const midLine = (x: Float32Array) => x.map((v, i) => (i >= SLIP_AT * CHUNK && i < (SLIP_AT + 3) * CHUNK ? v : 0));

  /** A probing guard hears `slip` over a faint residue of her voice `ref`, and nobody else: what it did. */
  function herSlip(ref: Float32Array, slip: Float32Array) {
    const silence = new Float32Array(ref.length);
    const guard = new EchoGuard(true, () => {}, { probeMs: 360 });
    return { guard, ...runPausing(guard, add(delayed(ref, 100, 1e-5), slip), silence, silence, ref) };
  }

  it('auto with a probe: her voice let through whole for 60 ms (a canceller slipping), inverted or not, does not ask her to pause; another voice as loud does', () => {
    const ref = herVoice(6, 91, 92);
    const at = SLIP_AT;
    for (const gain of [0.5, -0.5]) {
      // Three chunks of her voice 230 ms late at her own level less 6 dB: 20 dB above what may be the player.
      const { guard, pausedAt, loud } = herSlip(ref, midLine(delayed(ref, 230, gain)));
      expect(range(at, at + 3).every(loud)).toBe(true);
      expect([gain, pausedAt, guard.falseAlarms, guard.copies]).toEqual([gain, -1, 0, 1]);
    }
    // Someone else's first syllable, as loud, in the same three chunks.
    const herSlipAlone = midLine(delayed(ref, 230, 0.5));
    const other = speechLike(6, 95);
    const syllable = midLine(other).map((v, i) => {
      const k = i - (i % CHUNK);
      return v * (rms(herSlipAlone.subarray(k, k + CHUNK)) / (rms(other.subarray(k, k + CHUNK)) || 1));
    });
    const heard = new EchoGuard(true, () => {}, { probeMs: 360 });
    const { pausedAt, loud: sounded } = runPausing(heard, delayed(ref, 100, 1e-5), syllable, syllable, ref);
    expect(range(at, at + 3).every(sounded)).toBe(true);
    expect(pausedAt).toBeGreaterThan(at);
    expect(pausedAt).toBeLessThanOrEqual(at + 3);
    expect(heard.copies).toBe(0);
  });

  it('auto with a probe: her voice let through for 60 ms coloured by the room (no longer her waveform sample by sample) does not ask her to pause either', () => {
    const ref = add(
      speechLike(6, 91),
      whiteNoise(6 * RATE, 93).map((v) => 0.01 * v),
    );
    // A resonance at 700 Hz spreads each sample over ~30: the plain correlation falls below the check's 0.38.
    const { guard, pausedAt, loud } = herSlip(ref, midLine(resonance(delayed(ref, 230, 1), 700, 0.97).map((v) => 8 * v)));
    expect(range(SLIP_AT, SLIP_AT + 3).every(loud)).toBe(true);
    expect([pausedAt, guard.falseAlarms, guard.copies]).toEqual([-1, 0, 1]);
  });

  it('auto: a player talking over the NPC is never taken for a leak; a slip always is caught before it is sent (real speech)', async () => {
    const npcLines = [
      'Halt, traveller. The gate is closed after dark, by order of the captain.',
      'I have stood this watch for eleven winters and never once seen the wolves so bold.',
    ];
    const playerLines = ['Excuse me, I need to tell you something important right now.', 'Wait, wait, where is the tavern?'];
    for (const [i, voice] of (['Kore', 'Puck', 'Aoede'] as const).entries()) {
      const ref = concat(await speech16k(npcLines[i % 2] as string, voice), await speech16k(npcLines[(i + 1) % 2] as string, voice));
      const lagMs = 60 + i * 70;
      const echo = delayed(ref, lagMs, [0.1, 0.5, 1.5][i] as number);
      for (const [j, line] of playerLines.entries()) {
        const player = concat(silence16k(1.5 + j * 0.7), await playerSpeech16k(line), silence16k(20)).subarray(0, ref.length);
        const talking = new EchoGuard(true);
        run(
          talking,
          add(
            echo.map((v) => v * 1e-3),
            player.map((v) => v * (0.3 + 0.5 * j)),
          ),
          ref,
        );
        expect([voice, j, talking.leaks, talking.state]).toEqual([voice, j, 0, 'cancelled']);
      }
      const slipping = new EchoGuard(true);
      const slipAt = Math.round((2.5 + i * 0.4) * 50) * CHUNK;
      const sent = run(
        slipping,
        echo.map((v, k) => (k >= slipAt ? v : v * 1e-3)),
        ref,
      );
      expect(slipping.leaks).toBeGreaterThan(0);
      // Chunks after the slip that went out carried no echo (she was between words).
      const loud = sent.filter((k) => k >= slipAt / CHUNK && rms(echo.subarray(k * CHUNK, (k + 1) * CHUNK)) > 0.003);
      expect([voice, loud]).toEqual([voice, []]);
    }
    await closeSpeech();
  }, 60_000);

  it('auto: before measuring, trusts nothing — the microphone is held while the NPC is audible', () => {
    for (const cancellerOn of [true, false, null]) {
      const guard = new EchoGuard(cancellerOn);
      const ref = speechLike(0.5, 9);
      expect(run(guard, new Float32Array(ref.length), ref).filter((k) => k > 5)).toEqual([]);
    }
  });

  it('auto: without a canceller, only a real absence of echo (headphones) counts as cancelled', () => {
    const ref = speechLike(4, 15);
    const faint = add(delayed(ref, 100, 0.003), speechLike(4, 16, 1e-5)); // −50 dB: still a little echo
    const withCanceller = new EchoGuard(true);
    const without = new EchoGuard(false);
    run(withCanceller, faint, ref);
    run(without, faint, ref);
    expect(withCanceller.state).toBe('cancelled');
    const headphones = new EchoGuard(false);
    run(headphones, speechLike(4, 17, 1e-5), ref);
    expect(headphones.state).toBe('cancelled');
    expect(without.estimate?.returnLossDb).toBeGreaterThan(40);
  });

  it('half-duplex always holds while the NPC is audible; push-to-talk overrides; off never holds', () => {
    const ref = speechLike(1, 10);
    const silent = new Float32Array(ref.length);
    const n = chunksIn(ref);
    expect(run(new EchoGuard(true, undefined, { mode: 'half-duplex' }), silent, ref).filter((k) => k > 5)).toEqual([]);
    expect(run(new EchoGuard(true, undefined, { mode: 'half-duplex' }), silent, ref, true)).toEqual(range(0, n));
    expect(run(new EchoGuard(false, undefined, { mode: 'off' }), delayed(ref, 50, 0.5), ref)).toEqual(range(0, n));
  });
});
