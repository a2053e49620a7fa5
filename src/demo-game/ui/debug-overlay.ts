import { byId } from './dom.ts';

/** Numbers for developers: toggled with F3 (or the backquote key). */
export class DebugOverlay {
  private readonly box = byId('debug');
  private readonly text = byId<HTMLPreElement>('debug-text');
  private frames: number[] = [];
  private lastPaint = 0;

  constructor() {
    window.addEventListener('keydown', (e) => {
      if (e.key === 'F3' || e.key === '`') {
        e.preventDefault();
        this.box.hidden = !this.box.hidden;
      }
    });
  }

  get visible(): boolean {
    return !this.box.hidden;
  }

  /** Called every frame with the frame time; repaints twice a second. */
  frame(deltaMs: number, read: () => Record<string, string | number>): void {
    this.frames.push(deltaMs);
    if (this.frames.length > 120) this.frames.shift();
    const now = performance.now();
    if (this.box.hidden || now - this.lastPaint < 500) return;
    this.lastPaint = now;
    const sorted = [...this.frames].sort((a, b) => a - b);
    const avg = this.frames.reduce((a, b) => a + b, 0) / Math.max(1, this.frames.length);
    const lines = {
      ...read(),
      'frame time': `${avg.toFixed(1)} ms avg, ${(sorted.at(-1) ?? 0).toFixed(1)} ms max`,
    };
    this.text.textContent = Object.entries(lines)
      .map(([k, v]) => `${k.padEnd(18)} ${v}`)
      .join('\n');
  }
}
