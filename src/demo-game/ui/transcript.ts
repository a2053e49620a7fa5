import { byId, el } from './dom.ts';

/** The transcript panel: who said what, in order, read out politely by screen readers. */
export class TranscriptPanel {
  private readonly list = byId<HTMLOListElement>('transcript-list');
  private readonly partial = new Map<string, HTMLLIElement>();

  /** Adds or updates a line; a final line replaces the partial one for the same speaker. */
  line(who: string, role: 'player' | 'npc', text: string, final: boolean): void {
    const key = `${role}:${who}`;
    let item = this.partial.get(key);
    if (!item) {
      item = el('li', { className: `line ${role}` }, el('b', {}, `${who}: `), el('span', {}));
      this.list.append(item);
      this.partial.set(key, item);
    }
    (item.lastChild as HTMLElement).textContent = text;
    item.classList.toggle('partial', !final);
    if (final) this.partial.delete(key);
    this.list.scrollTop = this.list.scrollHeight;
  }

  note(text: string): void {
    this.list.append(el('li', { className: 'line note' }, text));
    this.list.scrollTop = this.list.scrollHeight;
  }
}
