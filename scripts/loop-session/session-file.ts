import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/** Samples per chunk the guard sees (20 ms at 16 kHz). */
export const CHUNK = 320;

/** What a recorded loop session holds beside its audio (`<base>.json`). */
export interface SessionMeta {
  /** Page time (`Date.now()`) at which the guard processed each chunk. */
  times: number[];
  /** Level of the game's sounds at the mixer (mean square, before ducking) at each chunk. */
  music: number[];
  /** When the player's WAV was started in the room (Node's `Date.now()`). */
  plays: number[];
  /** When the guard asked her to pause in the page: [time, chunks still unread]. */
  probes: [number, number][];
  /** The plugin's states as they came. */
  states: { t: number; state: string }[];
  /** Each barge-in as the scenario measured it, ms, or why it failed. */
  results: (number | string)[];
  /** With `record.ts … model`: page time at which the page's own clip read each of its chunks. */
  besideTimes?: number[];
}

/** A recorded session: the microphone and her voice as played, chunk by chunk (16-bit, 16 kHz), and what happened. */
export interface Session {
  mic: Int16Array;
  ref: Int16Array;
  /**
   * Recorded with `record.ts … model`, by a clip of the page's own on a timeline of its own: the
   * microphone before the browser's processing, the game's whole output, and a cancelled track.
   */
  model?: { raw: Int16Array; out: Int16Array; beside: Int16Array };
  meta: SessionMeta;
}

/** Reads `<base>.pcm`, `<base>.ref.pcm` and `<base>.json` (and `<base>.raw.pcm`, `.out.pcm`, `.beside.pcm` where recorded). */
export function readSession(base: string): Session {
  const pcm = (path: string) => {
    const bytes = readFileSync(path);
    return new Int16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 1).slice();
  };
  const meta = JSON.parse(readFileSync(`${base}.json`, 'utf8')) as SessionMeta;
  const model = existsSync(`${base}.raw.pcm`)
    ? { model: { raw: pcm(`${base}.raw.pcm`), out: pcm(`${base}.out.pcm`), beside: pcm(`${base}.beside.pcm`) } }
    : {};
  return { mic: pcm(`${base}.pcm`), ref: pcm(`${base}.ref.pcm`), ...model, meta };
}

/** Writes a session as {@link readSession} reads it. */
export function writeSession(base: string, session: Session): void {
  const bytes = (x: Int16Array) => Buffer.from(x.buffer, x.byteOffset, x.byteLength);
  writeFileSync(`${base}.pcm`, bytes(session.mic));
  writeFileSync(`${base}.ref.pcm`, bytes(session.ref));
  if (session.model) {
    writeFileSync(`${base}.raw.pcm`, bytes(session.model.raw));
    writeFileSync(`${base}.out.pcm`, bytes(session.model.out));
    writeFileSync(`${base}.beside.pcm`, bytes(session.model.beside));
  }
  writeFileSync(`${base}.json`, JSON.stringify(session.meta));
}
