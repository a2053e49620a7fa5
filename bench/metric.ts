/** One line of `npm run bench -- --json`. */
export interface Metric {
  metric: string;
  /** The browser it was measured in, when a suite measures the same figure in several. */
  browser?: string;
  /** The simulated room it was measured in (tests/support/rooms.ts), for the acoustic loop. */
  room?: string;
  value: number;
  unit: string;
  /** The same measurement for the reference (DESIGN.md names it), when there is one. */
  reference?: number;
  /** ours/theirs or theirs/ours, as the metric's name says. */
  ratio?: number;
  /** The target from DESIGN.md, for the table. */
  target?: string;
  /** What the reference is. */
  against?: string;
}

/** A group of measurements; `skip` explains why it could not run here (never a made-up figure). */
export interface Suite {
  name: string;
  run(): Promise<Metric[]>;
}

/** Nearest-rank percentile of already sorted values, `p` in 0..1. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] as number;
}

/** The same of values in any order. */
export function percentileOf(values: readonly number[], p: number): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    p,
  );
}
