/** Anything that hands out recorded samples oldest-first (a {@link MicrophoneClip}, or a ring). */
export interface SampleSource {
  available(): number;
  read(target: Float32Array, start?: number, end?: number): number;
  /** Samples skipped because they were overwritten before being read. */
  readonly lostSamples: number;
}

/**
 * Cuts what a clip recorded since the last frame into fixed chunks (20 ms at 16 kHz by default)
 * — the per-frame poll that replaces the Unity sample's 500 ms coroutine. A partial chunk stays
 * in the clip until it fills, so chunk boundaries never depend on frame timing. One chunk buffer
 * is reused for every call: a sink that keeps the samples must copy them.
 *
 * @example
 * ```ts
 * const chunker = new AudioChunker(clip, 320);
 * // in the scene's update():
 * chunker.pump((chunk) => connection.sendAudio(chunk));
 * ```
 */
export class AudioChunker {
  readonly chunkSamples: number;
  private readonly chunk: Float32Array;
  private fill = 0;
  private lost = 0;
  /** Gaps seen (the source lost audio between two reads). */
  gaps = 0;

  constructor(
    private readonly source: SampleSource,
    chunkSamples = 320,
  ) {
    this.chunkSamples = chunkSamples;
    this.chunk = new Float32Array(chunkSamples);
    this.lost = source.lostSamples;
  }

  /** Hands every complete chunk waiting in the source to `sink`; returns how many. */
  pump(sink: (chunk: Float32Array) => void, maxChunks = Number.POSITIVE_INFINITY): number {
    let sent = 0;
    while (sent < maxChunks && this.fill + this.source.available() >= this.chunkSamples) {
      const n = this.source.read(this.chunk, this.fill, this.chunkSamples);
      if (this.source.lostSamples !== this.lost) {
        // A gap opened: what we held is from before it. Start the chunk afresh rather than join
        // audio from either side of the gap (the read skipped the gap, so `n` is after it).
        this.lost = this.source.lostSamples;
        this.chunk.copyWithin(0, this.fill, this.fill + n);
        this.fill = 0;
        this.gaps++;
      }
      if (n === 0) break;
      this.fill += n;
      if (this.fill < this.chunkSamples) continue; // a torn read came up short: top it up
      this.fill = 0;
      sink(this.chunk);
      sent++;
    }
    return sent;
  }

  /** Forgets a partly filled chunk (after a gap, so old and new audio are never joined). */
  reset(): void {
    this.fill = 0;
  }
}
