import type { TranscriptEntry } from './conversation.js';

/** What is remembered about one NPC. */
export interface NpcMemory {
  history: TranscriptEntry[];
  /** The last session-resumption handle, to continue the same Live session. */
  handle: string | null;
  /** Date.now() when the handle was saved (the service keeps sessions resumable for 2 hours). */
  savedAt: number;
}

const HANDLE_LIFETIME_MS = 2 * 60 * 60 * 1000 - 60_000;

/**
 * Conversations remembered per NPC, for the game to read and save: talking to the same NPC
 * again continues the same Live session when its handle is still valid, and shows the history.
 *
 * @example
 * ```ts
 * localStorage.setItem('npc-memory', JSON.stringify(plugin.memory));
 * plugin.memory.load(JSON.parse(localStorage.getItem('npc-memory') ?? '{}'));
 * ```
 */
export class ConversationMemory {
  private readonly byNpc = new Map<string, NpcMemory>();

  /** What is remembered about `npcId` (history and a handle that is still valid). */
  get(npcId: string, now = Date.now()): NpcMemory {
    const m = this.byNpc.get(npcId);
    if (!m) return { history: [], handle: null, savedAt: 0 };
    const fresh = m.handle !== null && now - m.savedAt < HANDLE_LIFETIME_MS;
    return { history: [...m.history], handle: fresh ? m.handle : null, savedAt: m.savedAt };
  }

  /**
   * @internal The plugin records each conversation's history and latest resumption handle. A
   * handle remembered before keeps its first time, so a handle never issued again still expires.
   */
  remember(npcId: string, history: readonly TranscriptEntry[], handle: string | null, now = Date.now()): void {
    const before = this.byNpc.get(npcId);
    const savedAt = handle !== null && before?.handle === handle ? before.savedAt : now;
    this.byNpc.set(npcId, { history: history.slice(-500), handle, savedAt });
  }

  /** Forgets one NPC, or everyone. */
  forget(npcId?: string): void {
    if (npcId === undefined) this.byNpc.clear();
    else this.byNpc.delete(npcId);
  }

  /** Plain data for a save game. */
  toJSON(): Record<string, NpcMemory> {
    return Object.fromEntries(this.byNpc);
  }

  /** Restores what {@link toJSON} produced; malformed entries are skipped. */
  load(data: unknown): void {
    if (typeof data !== 'object' || data === null) return;
    for (const [id, value] of Object.entries(data as Record<string, unknown>)) {
      if (typeof value !== 'object' || value === null) continue;
      const v = value as Partial<NpcMemory>;
      if (!Array.isArray(v.history)) continue;
      const history = v.history.filter(
        (e): e is TranscriptEntry =>
          typeof e === 'object' && e !== null && (e.speaker === 'player' || e.speaker === 'npc') && typeof e.text === 'string',
      );
      this.byNpc.set(id, {
        history,
        handle: typeof v.handle === 'string' ? v.handle : null,
        savedAt: typeof v.savedAt === 'number' ? v.savedAt : 0,
      });
    }
  }
}
