/**
 * The player's side of the transcript: input transcription pieces joined into a line, and the
 * lines the player typed recognised when the service transcribes them back (already shown and
 * in the history, so not a new line).
 *
 * @example
 * ```ts
 * const player = new PlayerTranscript();
 * player.typed('Open the gate');
 * player.heard('Open the gate', true); // null: the typed line coming back
 * player.heard('Hello', false); // { text: 'Hello', final: false }
 * ```
 */
export class PlayerTranscript {
  private partial = '';
  private readonly typedLines: string[] = [];

  /** The player typed `line` (the last 8 are remembered). */
  typed(line: string): void {
    this.typedLines.push(line.toLowerCase());
    if (this.typedLines.length > 8) this.typedLines.shift();
  }

  /** A piece of input transcription: the player's line so far, or null when it is a typed line coming back. */
  heard(text: string, finished: boolean): { text: string; final: boolean } | null {
    const sofar = (this.partial + text).trim().toLowerCase();
    const typed = this.typedLines.indexOf(sofar);
    if (typed >= 0 && finished) {
      this.typedLines.splice(typed, 1);
      this.partial = '';
      return null;
    }
    this.partial += text;
    if (this.typedLines.some((t) => t.startsWith(sofar))) return null;
    const line = this.partial.trim();
    if (finished) this.partial = '';
    return { text: line, final: finished };
  }
}
