import FFT from 'fft.js';

/** Signal measurements the tests make on recorded audio. */

export function rms(x: ArrayLike<number>, start = 0, end = x.length): number {
  let sum = 0;
  for (let i = start; i < end; i++) sum += (x[i] as number) ** 2;
  return end > start ? Math.sqrt(sum / (end - start)) : 0;
}

/** Amplitude of the `freq` component (single-bin DFT over the whole window). */
export function toneAmplitude(x: ArrayLike<number>, freq: number, rate: number, start = 0, end = x.length): number {
  let re = 0;
  let im = 0;
  const w = (2 * Math.PI * freq) / rate;
  for (let i = start; i < end; i++) {
    re += (x[i] as number) * Math.cos(w * i);
    im += (x[i] as number) * Math.sin(w * i);
  }
  return (2 * Math.hypot(re, im)) / (end - start);
}

/** Frequency with the most energy between `lo` and `hi` Hz, refined to 0.1 Hz. */
export function dominantFrequency(x: ArrayLike<number>, rate: number, lo = 50, hi = rate / 2): number {
  let best = lo;
  let bestAmp = -1;
  const scan = (from: number, to: number, step: number) => {
    for (let f = from; f <= to; f += step) {
      const a = toneAmplitude(x, f, rate);
      if (a > bestAmp) {
        bestAmp = a;
        best = f;
      }
    }
  };
  scan(lo, hi, 5);
  const coarse = best;
  scan(coarse - 5, coarse + 5, 0.1);
  return best;
}

/**
 * Aligns `a` to `b`: finds the lag (positive: `a` is late) in [-maxLag, maxLag] that maximises
 * their cross-correlation (FFT), and returns the normalised correlation over the overlap there.
 */
export function alignedCorrelation(a: ArrayLike<number>, b: ArrayLike<number>, maxLag: number): { correlation: number; lag: number } {
  let size = 1;
  while (size < a.length + b.length) size *= 2;
  const fft = new FFT(size);
  const pa = new Array<number>(size).fill(0);
  const pb = new Array<number>(size).fill(0);
  for (let i = 0; i < a.length; i++) pa[i] = a[i] as number;
  for (let i = 0; i < b.length; i++) pb[i] = b[i] as number;
  const fa = fft.createComplexArray();
  const fb = fft.createComplexArray();
  fft.realTransform(fa, pa);
  fft.completeSpectrum(fa);
  fft.realTransform(fb, pb);
  fft.completeSpectrum(fb);
  const prod = fft.createComplexArray();
  for (let k = 0; k < size; k++) {
    const ar = fa[2 * k] as number;
    const ai = fa[2 * k + 1] as number;
    const br = fb[2 * k] as number;
    const bi = fb[2 * k + 1] as number;
    prod[2 * k] = ar * br + ai * bi; // A · conj(B)
    prod[2 * k + 1] = ai * br - ar * bi;
  }
  const xc = fft.createComplexArray();
  fft.inverseTransform(xc, prod);
  let lag = 0;
  let best = Number.NEGATIVE_INFINITY;
  for (let l = -maxLag; l <= maxLag; l++) {
    const v = xc[2 * (((l % size) + size) % size)] as number;
    if (v > best) {
      best = v;
      lag = l;
    }
  }
  return { correlation: correlationAt(a, b, lag), lag };
}

/** Normalised correlation of `a[i + lag]` with `b[i]` over their overlap. */
export function correlationAt(a: ArrayLike<number>, b: ArrayLike<number>, lag: number): number {
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  const n = Math.min(a.length - Math.max(0, lag), b.length - Math.max(0, -lag));
  for (let i = 0; i < n; i++) {
    const va = a[i + Math.max(0, lag)] as number;
    const vb = b[i + Math.max(0, -lag)] as number;
    sab += va * vb;
    saa += va * va;
    sbb += vb * vb;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : 0;
}

/**
 * After a global alignment `lag` (as from {@link alignedCorrelation}), the best correlation of each
 * `window`-sample stretch of `b` that carries sound, each re-aligned within ±`slack` samples — so a
 * timing slip of the capture device shifts what follows instead of ruining the whole comparison.
 */
export function windowedCorrelations(a: ArrayLike<number>, b: ArrayLike<number>, lag: number, window: number, slack: number): number[] {
  const out: number[] = [];
  const quiet = 1e-4 * window; // sum of squares of a −40 dBFS stretch
  for (let start = 0; start + window <= b.length; start += window) {
    let sbb = 0;
    for (let i = start; i < start + window; i++) sbb += (b[i] as number) ** 2;
    if (sbb < quiet) continue;
    let best = -1;
    for (let d = -slack; d <= slack; d++) {
      const off = start + lag + d;
      if (off < 0 || off + window > a.length) continue;
      let sab = 0;
      let saa = 0;
      for (let i = 0; i < window; i++) {
        const va = a[off + i] as number;
        sab += va * (b[start + i] as number);
        saa += va * va;
      }
      if (saa > 0) best = Math.max(best, sab / Math.sqrt(saa * sbb));
    }
    out.push(best);
  }
  return out;
}

export function indexOfFirstAbove(x: ArrayLike<number>, threshold: number, from = 0): number {
  for (let i = from; i < x.length; i++) if (Math.abs(x[i] as number) > threshold) return i;
  return -1;
}

export function indexOfLastAbove(x: ArrayLike<number>, threshold: number): number {
  for (let i = x.length - 1; i >= 0; i--) if (Math.abs(x[i] as number) > threshold) return i;
  return -1;
}

/** Speech-like test signal at 16 kHz: noise in syllable-sized bursts with pauses (deterministic for a seed). */
export function speechLike(seconds: number, seed: number, amp = 0.3): Float32Array {
  const rate = 16000;
  const out = new Float32Array(Math.round(seconds * rate));
  let s = seed;
  for (let i = 0; i < out.length; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    const t = i / rate;
    const env = Math.max(0, Math.sin(2 * Math.PI * (3 + (seed % 3)) * t + seed)) ** 2;
    out[i] = amp * env * ((s / 2 ** 32) * 2 - 1);
  }
  return out;
}

/** White noise in −1..1 from a seeded generator: the same `seed` gives the same samples. */
export function whiteNoise(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return (s / 2 ** 32) * 2 - 1;
  });
}

/**
 * `x` through a two-pole resonance at `hz` (pole radius `radius` < 1), at 16 kHz unless `rate`
 * says otherwise: a small loudspeaker's or a room mode's colour. Near 1 it spreads each sample
 * over tens of samples, so the output no longer matches `x` sample by sample, while each
 * frequency keeps a fixed gain and phase.
 */
export function resonance(x: ArrayLike<number>, hz: number, radius: number, rate = 16000): Float32Array {
  const c = 2 * radius * Math.cos((2 * Math.PI * hz) / rate);
  const out = new Float32Array(x.length);
  let y1 = 0;
  let y2 = 0;
  for (let i = 0; i < x.length; i++) {
    const y = (1 - radius) * (x[i] as number) + c * y1 - radius * radius * y2;
    out[i] = y;
    y2 = y1;
    y1 = y;
  }
  return out;
}

/**
 * `x` through a simulated room at 16 kHz: `delayMs` of air, a Schroeder reverberator (four
 * feedback combs, two all-passes) whose tail dies by 60 dB in `rt60` seconds mixed at `wet`, and a
 * loudspeaker's mild saturation (tanh). The microphone's clock may run `drift` (e.g. 1e-4) faster
 * than the speakers' (the delay grows), and every `jumpEverySamples` the path may lose `jumpSamples`
 * (the echo comes that much sooner), as the simulated rooms' pacer drops what piles up.
 */
export function throughRoom(
  x: ArrayLike<number>,
  options: { delayMs?: number; rt60?: number; wet?: number; jumpEverySamples?: number; jumpSamples?: number; drift?: number } = {},
): Float32Array {
  const rate = 16000;
  const { delayMs = 40, rt60 = 0.6, wet = 0.5, jumpEverySamples = 0, jumpSamples = 0, drift = 0 } = options;
  const combs = [1116, 1188, 1277, 1356].map((d) => ({ d, g: 10 ** ((-3 * d) / (rt60 * rate)), buf: new Float32Array(d), i: 0 }));
  const passes = [225, 556].map((d) => ({ d, buf: new Float32Array(d), i: 0 }));
  const air = Math.round((delayMs / 1000) * rate);
  const out = new Float32Array(x.length);
  let skipped = 0;
  for (let n = 0; n < x.length; n++) {
    if (jumpEverySamples > 0 && n > 0 && n % jumpEverySamples === 0) skipped += jumpSamples;
    // The microphone's clock runs `drift` faster than the speakers': the delay grows; read between samples.
    const at = (n - air) * (1 - drift) + skipped;
    const k = Math.floor(at);
    const frac = at - k;
    const sample = k >= 0 && k + 1 < x.length ? (x[k] as number) * (1 - frac) + (x[k + 1] as number) * frac : 0;
    const dry = Math.tanh(1.5 * sample) / 1.5;
    let sum = 0;
    for (const c of combs) {
      const y = c.buf[c.i] as number;
      c.buf[c.i] = dry + c.g * y;
      c.i = (c.i + 1) % c.d;
      sum += y;
    }
    let y = sum / combs.length;
    for (const p of passes) {
      const delayed = p.buf[p.i] as number;
      const w = y + 0.5 * delayed;
      p.buf[p.i] = w;
      p.i = (p.i + 1) % p.d;
      y = delayed - 0.5 * w;
    }
    out[n] = dry + wet * y;
  }
  return out;
}
