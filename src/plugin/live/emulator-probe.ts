import { LiveError } from './live-errors.js';

/** The `fetch` the probe uses (the global one by default; tests pass their own). */
export type FetchLike = (url: string, init?: { signal?: AbortSignal; cache?: RequestCache }) => Promise<Response>;

const HOW_TO =
  "add the emulator's Vite plugin to vite.config (npcVoiceEmulator() from phaser-npc-voice-emulator), " +
  "or run `npx phaser-npc-voice-emulator --port 8787` and configure emulatorUrl: 'http://127.0.0.1:8787'";

/**
 * Asks `origin` whether an emulator is there: its `GET /emulator/stats` answers JSON with session
 * counts. Anything else — nothing listening, a dev server without the Vite plugin (which would
 * leave the WebSocket hanging, or answer its page) — is a `no-emulator` error saying what to add.
 * Resolves null when the emulator answered.
 */
export async function findEmulator(origin: string, fetchImpl: FetchLike = globalThis.fetch, timeoutMs = 5000): Promise<LiveError | null> {
  const where = origin.replace(/\/+$/, '');
  const missing = (why: string, cause?: unknown) =>
    new LiveError('no-emulator', `No emulator at ${where} (${why}): ${HOW_TO}.`, cause === undefined ? {} : { cause });
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  try {
    const response = await fetchImpl(`${where}/emulator/stats`, { signal: abort.signal, cache: 'no-store' });
    if (!response.ok) return missing(`it answered ${response.status} to /emulator/stats`);
    const body: unknown = await response.json().catch(() => null);
    const isStats = typeof body === 'object' && body !== null && typeof (body as { sessionsTotal?: unknown }).sessionsTotal === 'number';
    return isStats ? null : missing('the server there is not the emulator');
  } catch (error) {
    return missing(abort.signal.aborted ? `no answer within ${timeoutMs / 1000} s` : 'nothing answered', error);
  } finally {
    clearTimeout(timer);
  }
}

/** How {@link connectToEmulator} watches the socket it is opening. */
export interface EmulatorConnectWatch {
  /** True once a WebSocket server answered (opened, or closed with a code of its own): then it decides. */
  reached(): boolean;
  /** Gives up the connection attempt (there is no emulator to wait for). */
  abort(): void;
  /** How long a socket may still take to be answered after the probe found no emulator. @defaultValue 1000 */
  graceMs?: number;
  fetch?: FetchLike;
}

/**
 * Opens a session on the emulator at `origin` while asking whether one is there. When none is and
 * no WebSocket server answered, the attempt is aborted and the `no-emulator` error replaces a bare
 * socket error or a handshake that would hang until its timeout (a dev server without the Vite
 * plugin never answers the upgrade). A server that answers the socket is never second-guessed.
 */
export async function connectToEmulator<T>(origin: string, connecting: Promise<T>, watch: EmulatorConnectWatch): Promise<T> {
  const probe = findEmulator(origin, watch.fetch);
  let grace: ReturnType<typeof setTimeout> | undefined;
  let settled = false;
  const absent = probe.then(
    (error) =>
      new Promise<never>((_, reject) => {
        if (!error || settled) return; // found (the socket decides), or already decided
        grace = setTimeout(() => {
          if (!watch.reached()) reject(error);
        }, watch.graceMs ?? 1000);
      }),
  );
  try {
    return await Promise.race([connecting, absent]);
  } catch (error) {
    if (watch.reached()) throw error;
    const missing = await probe;
    if (!missing) throw error;
    watch.abort();
    connecting.catch(() => {});
    throw missing;
  } finally {
    settled = true;
    clearTimeout(grace);
  }
}
