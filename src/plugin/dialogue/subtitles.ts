/**
 * Subtitles that follow the voice, not the network: each piece of output transcription is anchored
 * at the stream position where the audio it arrived with starts, and is shown once playback gets
 * there. Text that arrives ahead of its audio waits; text that arrives late shows at once.
 */
export class SubtitleTrack {
  private readonly pieces: { text: string; at: number }[] = [];
  private shown = 0; // pieces revealed
  private text = '';
  private complete = false;
  private finalSent = false;

  /** Adds transcription `text` heard from stream position `at` (voice frames). */
  push(text: string, at: number): void {
    this.pieces.push({ text, at });
  }

  /** The model finished its turn: once everything is shown, the subtitle is final. */
  finish(): void {
    this.complete = true;
  }

  /**
   * Reveals what playback has reached. Returns the subtitle when it changed (or became final),
   * else null.
   */
  update(position: number): { text: string; final: boolean } | null {
    let changed = false;
    while (this.shown < this.pieces.length && (this.pieces[this.shown] as { at: number }).at <= position) {
      this.text += (this.pieces[this.shown] as { text: string }).text;
      this.shown++;
      changed = true;
    }
    const final = this.complete && this.shown === this.pieces.length;
    if (final && !this.finalSent) {
      this.finalSent = true;
      return this.text ? { text: this.text, final: true } : null;
    }
    return changed ? { text: this.text, final: false } : null;
  }

  /** Everything revealed so far in this utterance. */
  get revealed(): string {
    return this.text;
  }

  /** All text received for this utterance, shown or not. */
  get heard(): string {
    return this.pieces.map((p) => p.text).join('');
  }

  /** Starts a new utterance (after a turn, or on interruption: what was not heard is dropped). */
  reset(): void {
    this.pieces.length = 0;
    this.shown = 0;
    this.text = '';
    this.complete = false;
    this.finalSent = false;
  }
}
