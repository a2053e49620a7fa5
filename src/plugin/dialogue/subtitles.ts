/**
 * Subtitles that follow the voice, not the network: each piece of output transcription is anchored
 * at the stream position where the audio it arrived with starts, and is shown once playback gets
 * there. Text that arrives ahead of its audio waits; text that arrives late shows at once.
 */
export class SubtitleTrack {
  /** Transcription pieces in stream order; `line` marks where the next line begins. */
  private readonly pieces: { text: string; at: number; line: boolean }[] = [];
  private shown = 0; // pieces revealed
  private text = '';
  private complete = false;
  private finalSent = false;

  /** Adds transcription `text` heard from stream position `at` (voice frames). */
  push(text: string, at: number): void {
    this.pieces.push({ text, at, line: false });
  }

  /**
   * The next line begins at stream position `at`, after what is queued: the current one becomes
   * final when playback gets there, and later pieces make the new one.
   */
  nextLine(at: number): void {
    this.pieces.push({ text: '', at, line: true });
    this.complete = false;
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
      const piece = this.pieces[this.shown] as { text: string; line: boolean };
      this.shown++;
      if (piece.line) {
        const ended = this.finalSent ? '' : this.text;
        this.text = '';
        this.finalSent = false;
        if (ended) return { text: ended, final: true }; // the new line's pieces show from the next update
        continue;
      }
      this.text += piece.text;
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

  /** Starts a new utterance (after a turn, or on interruption: what was not heard is dropped). */
  reset(): void {
    this.pieces.length = 0;
    this.shown = 0;
    this.text = '';
    this.complete = false;
    this.finalSent = false;
  }
}
