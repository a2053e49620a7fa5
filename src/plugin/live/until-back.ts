import type { TypedEmitter } from '../events.js';
import type { LiveConnectionEvents } from './live-connection-events.js';
import type { LiveError } from './live-errors.js';

/**
 * Waits for a reconnecting connection to be back: resolves when it is open again, or when it is
 * closed on purpose meanwhile; rejects with the error it reported when it gave up.
 */
export function untilBack(live: TypedEmitter<LiveConnectionEvents>): Promise<void> {
  return new Promise((resolve, reject) => {
    let failure: LiveError | null = null;
    const subs = [
      live.on('error', ({ error }) => {
        failure = error;
      }),
      live.on('stateChange', ({ state }) => {
        if (state !== 'open' && state !== 'closed') return;
        for (const sub of subs) sub.close();
        if (state === 'closed' && failure) reject(failure);
        else resolve();
      }),
    ];
  });
}
