import itemsSheet from '../../../assets/sprites/items.png';
import type { ConversationState } from '../../plugin/index.ts';
import { byId, el } from './dom.ts';

export type Item = 'apple' | 'bread' | 'lantern';
const ITEMS: Item[] = ['apple', 'bread', 'lantern'];

/** The on-screen interface around the game: state, microphone meter, inventory, text box, toasts. */
export class Hud {
  private readonly state = byId('state');
  private readonly meter = byId('mic-meter-fill');
  private readonly meterBox = byId('mic-meter');
  private readonly inventory = byId('inventory');
  private readonly sayForm = byId<HTMLFormElement>('say');
  private readonly sayInput = byId<HTMLInputElement>('say-input');
  private readonly toasts = byId('toasts');
  private readonly conn = byId('connection');

  constructor(onSay: (text: string) => void, onTyping: (typing: boolean) => void) {
    document.documentElement.style.setProperty('--items-sheet', `url(${itemsSheet})`);
    for (const _ of ITEMS) this.inventory.append(el('div', { className: 'slot', title: 'Empty slot' }));
    this.sayForm.addEventListener('submit', (e) => {
      e.preventDefault();
      const text = this.sayInput.value.trim();
      if (text) onSay(text);
      this.sayInput.value = '';
    });
    this.sayInput.addEventListener('focus', () => onTyping(true));
    this.sayInput.addEventListener('blur', () => onTyping(false));
    this.sayInput.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') this.sayInput.blur();
      e.stopPropagation(); // game keys must not fire while typing
    });
  }

  /** What the player should know right now. */
  showState(state: ConversationState | null, npcName: string | null, mode: 'open-mic' | 'push-to-talk', hasMic: boolean): void {
    const talk = !hasMic ? 'type below' : mode === 'push-to-talk' ? 'hold Space to talk' : 'just talk';
    const text: Record<ConversationState, string> = {
      idle: 'Walk up to someone and press E',
      connecting: `Reaching ${npcName}…`,
      listening: `${npcName} is listening — ${talk}`,
      userSpeaking: 'You are speaking…',
      thinking: `${npcName} is thinking…`,
      speaking: `${npcName} is speaking${hasMic && mode === 'open-mic' ? ' — talk to interrupt' : ''}`,
      interrupted: `${npcName} stops to listen`,
      ended: 'Walk up to someone and press E',
      error: `Lost ${npcName} — press E to try again`,
    };
    this.state.textContent = state ? text[state] : text.idle;
    this.state.dataset.state = state ?? 'idle';
    this.sayForm.hidden = !state || state === 'ended' || state === 'error';
    if (npcName) this.sayInput.placeholder = `Say something to ${npcName}… (Enter)`;
  }

  setConnection(label: string): void {
    this.conn.textContent = label;
    this.conn.hidden = !label;
  }

  /** Microphone level 0..1 (RMS) as a meter, in decibels so quiet speech still moves it. */
  setMicLevel(rms: number, active: boolean): void {
    this.meterBox.hidden = !active;
    const db = 20 * Math.log10(rms + 1e-6);
    const fill = Math.max(0, Math.min(1, (db + 60) / 55));
    this.meter.style.width = `${Math.round(fill * 100)}%`;
  }

  setInventory(items: Item[]): void {
    const slots = [...this.inventory.querySelectorAll('.slot')] as HTMLElement[];
    slots.forEach((slot, i) => {
      const item = items[i];
      slot.className = item ? `slot item-${item}` : 'slot';
      slot.title = item ? item : 'Empty slot';
      slot.setAttribute('aria-label', item ? `Inventory: ${item}` : 'Empty inventory slot');
    });
  }

  focusText(): void {
    if (!this.sayForm.hidden) this.sayInput.focus();
  }

  toast(text: string): void {
    const t = el('div', { className: 'toast', role: 'status' }, text);
    this.toasts.append(t);
    setTimeout(() => t.classList.add('gone'), 2600);
    setTimeout(() => t.remove(), 3200);
  }
}
