/** How many chunks the loss looks back over: 10 s of chunks learned from. */
const WINDOW_CHUNKS = 500;
/** Losses are kept to the dB, 0–100. */
const BINS = 101;

/**
 * The return loss her echo has shown over the last chunks it was learned from, as a 1 dB histogram
 * over a ring: the loss to assume is a low quantile of it. A quantile, not the loudest leak, and
 * over a window, not for good: the player's own speech taken for her echo (a barge-in the guard
 * missed) is a few dozen chunks among hundreds and leaves it within seconds, where a tracker of
 * the loudest chunk would keep it and miss the player again (docs/rooms.md). Allocation-free.
 */
export class ReturnLossWindow {
  private readonly ring = new Uint8Array(WINDOW_CHUNKS);
  private readonly bins = new Uint16Array(BINS);
  private count = 0;
  private next = 0;
  /** The quantile, kept up to date by {@link ReturnLossWindow.add}: it is read for every chunk. */
  private current: number;

  constructor(
    /** The loss before anything was learned, dB. */
    private readonly startDb: number,
    /** The least loss ever assumed, dB. */
    private readonly minDb: number,
    /** The loss assumed is the one only this share of the window's chunks came back louder than. */
    private readonly quantile: number,
  ) {
    this.current = startDb;
  }

  /** Adds one chunk's loss (her voice's bound less what the microphone heard), dB. */
  add(lossDb: number): void {
    const bin = Math.max(0, Math.min(BINS - 1, Math.round(lossDb)));
    if (this.count === WINDOW_CHUNKS) {
      const old = this.ring[this.next] as number;
      this.bins[old] = (this.bins[old] as number) - 1;
    } else this.count++;
    this.ring[this.next] = bin;
    this.bins[bin] = (this.bins[bin] as number) + 1;
    this.next = (this.next + 1) % WINDOW_CHUNKS;
    this.current = this.quantileDb();
  }

  /** The loss to assume now, dB: the window's low quantile, at least the minimum; the start value while it is empty. */
  get lossDb(): number {
    return this.current;
  }

  private quantileDb(): number {
    const want = Math.max(1, Math.ceil(this.count * this.quantile));
    let seen = 0;
    for (let b = 0; b < BINS; b++) {
      seen += this.bins[b] as number;
      if (seen >= want) return Math.max(this.minDb, b);
    }
    return this.startDb;
  }
}
