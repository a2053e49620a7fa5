import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type ScreenArea, Sight, type SightCamera, sightArea } from '../../../src/plugin/game/sight.ts';

const NPC_SQUARE = { region: 'npc', size: 100 } as const;
const CANVAS = { width: 800, height: 600 };

describe('sightArea', () => {
  it('shows the whole canvas for the canvas region', () => {
    expect(sightArea({ region: 'canvas', size: 100 }, CANVAS, { x: 400, y: 300 })).toEqual({ x: 0, y: 0, width: 800, height: 600 });
  });

  it('shows the whole canvas when the NPC is not on screen', () => {
    expect(sightArea(NPC_SQUARE, CANVAS, null)).toEqual({ x: 0, y: 0, width: 800, height: 600 });
  });

  it('centres a square of the given size on the NPC', () => {
    expect(sightArea(NPC_SQUARE, CANVAS, { x: 400, y: 300 })).toEqual({ x: 350, y: 250, width: 100, height: 100 });
  });

  it('clips the square at the top left corner', () => {
    expect(sightArea(NPC_SQUARE, CANVAS, { x: 20, y: 10 })).toEqual({ x: 0, y: 0, width: 100, height: 100 });
  });

  it('clips the square at the right and bottom edges', () => {
    expect(sightArea(NPC_SQUARE, CANVAS, { x: 780, y: 590 })).toEqual({ x: 730, y: 540, width: 70, height: 60 });
  });

  it('rounds to whole pixels', () => {
    expect(sightArea(NPC_SQUARE, CANVAS, { x: 400.6, y: 300.4 })).toEqual({ x: 351, y: 250, width: 100, height: 100 });
  });
});

/** A camera whose snapshots complete when the test says (or at once). */
class FakeCamera implements SightCamera {
  readonly areas: ScreenArea[] = [];
  readonly qualities: number[] = [];
  readonly pending: ((jpeg: string) => void)[] = [];
  immediate = true;
  canvasSize(): { width: number; height: number } {
    return CANVAS;
  }
  npcOnScreen(): { x: number; y: number } | null {
    return { x: 400, y: 300 };
  }
  snapshot(area: ScreenArea, quality: number, done: (base64Jpeg: string) => void): void {
    this.areas.push(area);
    this.qualities.push(quality);
    if (this.immediate) done(`frame${this.areas.length}`);
    else this.pending.push(done);
  }
}

const OPTIONS = { fps: 2, region: 'npc', size: 100, quality: 0.6 } as const;

describe('Sight', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends a frame every 1/fps seconds', () => {
    const camera = new FakeCamera();
    const sent: string[] = [];
    const sight = new Sight(
      OPTIONS,
      camera,
      (jpeg) => sent.push(jpeg),
      () => true,
    );
    vi.advanceTimersByTime(499);
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(sent).toEqual(['frame1']);
    vi.advanceTimersByTime(1000);
    expect(sent).toEqual(['frame1', 'frame2', 'frame3']);
    sight.destroy();
  });

  it('snapshots the area around the NPC at the chosen quality', () => {
    const camera = new FakeCamera();
    const sight = new Sight(
      OPTIONS,
      camera,
      () => {},
      () => true,
    );
    vi.advanceTimersByTime(500);
    expect(camera.areas).toEqual([{ x: 350, y: 250, width: 100, height: 100 }]);
    expect(camera.qualities).toEqual([0.6]);
    sight.destroy();
  });

  it('sends nothing while the connection cannot send', () => {
    const camera = new FakeCamera();
    const sent: string[] = [];
    let open = false;
    const sight = new Sight(
      OPTIONS,
      camera,
      (jpeg) => sent.push(jpeg),
      () => open,
    );
    vi.advanceTimersByTime(2000);
    expect(sent).toEqual([]);
    expect(camera.areas).toEqual([]); // nor encodes a frame for nothing
    open = true;
    vi.advanceTimersByTime(500);
    expect(sent).toEqual(['frame1']);
    sight.destroy();
  });

  it('sends nothing after destroy', () => {
    const camera = new FakeCamera();
    const sent: string[] = [];
    const sight = new Sight(
      OPTIONS,
      camera,
      (jpeg) => sent.push(jpeg),
      () => true,
    );
    vi.advanceTimersByTime(500);
    sight.destroy();
    vi.advanceTimersByTime(5000);
    expect(sent).toEqual(['frame1']);
    expect(camera.areas.length).toBe(1);
    expect(sight.running).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('drops a snapshot that completes after destroy', () => {
    const camera = new FakeCamera();
    camera.immediate = false;
    const sent: string[] = [];
    const sight = new Sight(
      OPTIONS,
      camera,
      (jpeg) => sent.push(jpeg),
      () => true,
    );
    vi.advanceTimersByTime(500);
    expect(camera.pending.length).toBe(1);
    sight.destroy();
    camera.pending[0]?.('late');
    expect(sent).toEqual([]);
  });

  it('drops a snapshot that completes after the connection closed', () => {
    const camera = new FakeCamera();
    camera.immediate = false;
    const sent: string[] = [];
    let open = true;
    const sight = new Sight(
      OPTIONS,
      camera,
      (jpeg) => sent.push(jpeg),
      () => open,
    );
    vi.advanceTimersByTime(500);
    open = false;
    camera.pending[0]?.('late');
    expect(sent).toEqual([]);
    sight.destroy();
  });

  it('is running until destroyed', () => {
    const sight = new Sight(
      OPTIONS,
      new FakeCamera(),
      () => {},
      () => true,
    );
    expect(sight.running).toBe(true);
    sight.destroy();
    expect(sight.running).toBe(false);
  });
});
