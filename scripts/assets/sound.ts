// The demo's music and sound effects, synthesised in code (deterministic).
import { seeded } from './pixel-canvas.ts';

export const RATE = 22050;

const midi = (n: number) => 440 * 2 ** ((n - 69) / 12);

/** Adds a tone to `out` starting at `t0` seconds. */
function tone(
  out: Float32Array,
  t0: number,
  seconds: number,
  freq: number,
  opts: { gain: number; attack: number; release: number; shape?: 'sine' | 'triangle' | 'pluck' | 'bell' },
): void {
  const start = Math.round(t0 * RATE);
  const n = Math.round((seconds + opts.release) * RATE);
  for (let i = 0; i < n; i++) {
    const t = i / RATE;
    const env = t < opts.attack ? t / opts.attack : t < seconds ? 1 : Math.max(0, 1 - (t - seconds) / opts.release);
    const ph = 2 * Math.PI * freq * t;
    let v: number;
    switch (opts.shape ?? 'sine') {
      case 'triangle':
        v = (2 / Math.PI) * Math.asin(Math.sin(ph));
        break;
      case 'pluck':
        v = (Math.sin(ph) + 0.3 * Math.sin(2 * ph) + 0.1 * Math.sin(3 * ph)) * Math.exp(-t * 3.5);
        break;
      case 'bell':
        v = (Math.sin(ph) + 0.4 * Math.sin(2.76 * ph) + 0.2 * Math.sin(5.4 * ph)) * Math.exp(-t * 4);
        break;
      default:
        v = Math.sin(ph);
    }
    const j = (start + i) % out.length;
    out[j] = (out[j] as number) + v * env * opts.gain;
  }
}

/** A feedback delay for a little space (wraps around, so the loop stays seamless). */
function echo(buf: Float32Array, seconds: number, feedback: number, mix: number): void {
  const d = Math.round(seconds * RATE);
  const wet = new Float32Array(buf.length);
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < buf.length; i++) {
      const j = (i - d + buf.length) % buf.length;
      wet[i] = (buf[j] as number) * mix + (wet[j] as number) * feedback;
    }
  }
  for (let i = 0; i < buf.length; i++) buf[i] = (buf[i] as number) + (wet[i] as number);
}

function normalize(buf: Float32Array, peak: number): Float32Array {
  let max = 0;
  for (const v of buf) max = Math.max(max, Math.abs(v));
  if (max > 0) for (let i = 0; i < buf.length; i++) buf[i] = ((buf[i] as number) / max) * peak;
  return buf;
}

/** A gentle 12-second village loop: I–vi–IV–V pads, a walking bass, a pentatonic pluck melody. */
export function villageMusic(): Float32Array {
  const beat = 60 / 80;
  const bars = 4;
  const out = new Float32Array(Math.round(bars * 4 * beat * RATE));
  const chords = [
    [60, 64, 67, 71],
    [57, 60, 64, 67],
    [53, 57, 60, 64],
    [55, 59, 62, 65],
  ];
  chords.forEach((chord, bar) => {
    const t = bar * 4 * beat;
    for (const n of chord) tone(out, t, 4 * beat - 0.2, midi(n), { gain: 0.06, attack: 0.6, release: 0.9 });
    const root = (chord[0] as number) - 24;
    tone(out, t, beat * 1.6, midi(root), { gain: 0.16, attack: 0.02, release: 0.3, shape: 'triangle' });
    tone(out, t + 2 * beat, beat * 1.6, midi(root + 7), { gain: 0.12, attack: 0.02, release: 0.3, shape: 'triangle' });
  });
  const scale = [72, 74, 76, 79, 81, 84];
  const r = seeded(42);
  const pattern = [0, 1, 2, 4, 3, 2, 1, 3, 2, 4, 5, 4, 2, 1, 0, 2];
  pattern.forEach((step, i) => {
    if (i % 4 === 3 && r() < 0.5) return; // breathe
    tone(out, i * beat + (i % 2 ? beat / 2 : 0), beat * 0.9, midi(scale[step] as number), {
      gain: 0.11,
      attack: 0.005,
      release: 0.4,
      shape: 'pluck',
    });
  });
  echo(out, beat * 0.75, 0.35, 0.3);
  return normalize(out, 0.55);
}

/** A footstep on packed earth. */
export function footstep(seed: number): Float32Array {
  const out = new Float32Array(Math.round(0.09 * RATE));
  const r = seeded(seed);
  let lp = 0;
  for (let i = 0; i < out.length; i++) {
    const t = i / RATE;
    lp += (r() * 2 - 1 - lp) * 0.18;
    out[i] = lp * Math.exp(-t * 45) + 0.3 * Math.sin(2 * Math.PI * 90 * t) * Math.exp(-t * 60);
  }
  return normalize(out, 0.5);
}

/** The gate: a creak, then a wooden thud. */
export function gateCreak(): Float32Array {
  const out = new Float32Array(Math.round(1.3 * RATE));
  let phase = 0;
  for (let i = 0; i < out.length; i++) {
    const t = i / RATE;
    const f = 110 + 35 * Math.sin(2 * Math.PI * 1.7 * t) + 15 * Math.sin(2 * Math.PI * 13 * t);
    phase += f / RATE;
    const saw = 2 * (phase % 1) - 1;
    const env = t < 0.05 ? t / 0.05 : t < 0.95 ? 1 - 0.4 * (t / 0.95) : 0;
    out[i] = saw * env * 0.35;
    if (t > 1.0) out[i] = (out[i] as number) + 0.8 * Math.sin(2 * Math.PI * 58 * (t - 1.0)) * Math.exp(-(t - 1.0) * 14);
  }
  return normalize(out, 0.6);
}

/** A bright three-note chime for a new item. */
export function itemChime(): Float32Array {
  const out = new Float32Array(Math.round(1.1 * RATE));
  for (const [i, n] of [88, 91, 95].entries())
    tone(out, i * 0.09, 0.05, midi(n), { gain: 0.3, attack: 0.002, release: 0.8, shape: 'bell' });
  return normalize(out, 0.5);
}

/** A soft two-tone blip when a conversation opens. */
export function talkBlip(): Float32Array {
  const out = new Float32Array(Math.round(0.3 * RATE));
  tone(out, 0, 0.05, midi(76), { gain: 0.3, attack: 0.003, release: 0.08 });
  tone(out, 0.07, 0.06, midi(83), { gain: 0.3, attack: 0.003, release: 0.12 });
  return normalize(out, 0.35);
}
