/**
 * Between-the-samples helpers of the echo study: a correlation peak refined to a fraction of a
 * sample, a signal read between its samples, and the straight line through a drifting lag.
 */

/**
 * The fraction (−0.5…0.5) to add to `offset`, the whole-sample peak of `short` correlated along
 * `long`, from a parabola through it and its neighbours: a drift of 100 ppm is 1.6 samples a
 * second, and whole samples would misread its slope.
 */
export function peakFraction(short: Float32Array, long: Float32Array, offset: number): number {
  const dot = (at: number) => {
    let sum = 0;
    for (let i = 0; i < short.length; i++) sum += (short[i] as number) * (long[at + i] ?? 0);
    return sum;
  };
  const [left, mid, right] = [dot(offset - 1), dot(offset), dot(offset + 1)];
  const curve = left - 2 * mid + right;
  return curve < 0 ? Math.max(-0.5, Math.min(0.5, (0.5 * (left - right)) / curve)) : 0;
}

/** A signal read between its samples, at `at`, through a Lanczos kernel of 8 taps; `sample(j)` gives sample j. */
export function lanczosAt(sample: (j: number) => number, at: number): number {
  const k = Math.floor(at);
  let sum = 0;
  for (let j = k - 3; j <= k + 4; j++) {
    const d = at - j;
    const w = d === 0 ? 1 : (4 * Math.sin(Math.PI * d) * Math.sin((Math.PI * d) / 4)) / (Math.PI * Math.PI * d * d);
    sum += w * sample(j);
  }
  return sum;
}

/** The least-squares line through the points (`x[i]`, `y[i]`): its mean point and slope (0 through a single x). */
export function lineThrough(x: ArrayLike<number>, y: ArrayLike<number>): { x: number; y: number; slope: number } {
  const n = y.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i] as number;
    my += y[i] as number;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += ((x[i] as number) - mx) * ((y[i] as number) - my);
    sxx += ((x[i] as number) - mx) ** 2;
  }
  return { x: mx, y: my, slope: sxx > 0 ? sxy / sxx : 0 };
}
