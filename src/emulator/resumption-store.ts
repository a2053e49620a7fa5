import { randomBytes } from 'node:crypto';
import type { BrainState } from './brain.js';

/** What a handle restores. */
export interface ResumableState {
  brain: BrainState;
  /** The setup it belongs to (model + instruction): a handle only resumes the same conversation. */
  fingerprint: string;
}

/**
 * Session-resumption handles: valid for two hours (as on the real service), kept in memory,
 * bounded in number (the oldest go first). A handle can be used more than once while valid.
 */
export class ResumptionStore {
  private readonly entries = new Map<string, { state: ResumableState; expires: number }>();

  constructor(
    private readonly ttlMs = 2 * 60 * 60 * 1000,
    private readonly maxEntries = 10_000,
  ) {}

  /** Stores `state` under a new handle and returns it. */
  save(state: ResumableState): string {
    const handle = randomBytes(24).toString('base64url');
    this.entries.set(handle, { state: structuredClone(state), expires: Date.now() + this.ttlMs });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
    return handle;
  }

  /** The state behind `handle`, or null when unknown or expired. */
  load(handle: string): ResumableState | null {
    const entry = this.entries.get(handle);
    if (!entry) return null;
    if (entry.expires < Date.now()) {
      this.entries.delete(handle);
      return null;
    }
    return structuredClone(entry.state);
  }

  get size(): number {
    return this.entries.size;
  }
}
