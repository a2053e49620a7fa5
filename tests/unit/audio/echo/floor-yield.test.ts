import { describe, expect, it } from 'vitest';
import { FloorYield, type PausableVoice } from '../../../../src/plugin/audio/echo/floor-yield.ts';

class FakeVoice implements PausableVoice {
  paused = false;
  bufferedMs = 2000;
  log: string[] = [];
  pause(): void {
    this.paused = true;
    this.log.push('pause');
  }
  resume(): void {
    this.paused = false;
    this.log.push('resume');
  }
  clear(): void {
    this.paused = false;
    this.log.push('clear');
  }
}

/** Drives 20 ms frames: `floor` and `loud` per frame from the two strings ('1' / '0'). */
function drive(y: FloorYield, floor: string, loud: string, t0 = 0): number {
  let t = t0;
  for (let i = 0; i < floor.length; i++) {
    y.update(floor[i] === '1', loud[i] === '1', t);
    t += 20;
  }
  return t;
}

describe('FloorYield', () => {
  it('pauses her the frame the player takes the floor, and the service clearing her counts as confirmed', () => {
    const voice = new FakeVoice();
    const y = new FloorYield(voice);
    drive(y, '0001', '0111');
    expect(voice.log).toEqual(['pause']);
    expect(y.yielding).toBe(true);
    voice.clear(); // `interrupted` arrived
    drive(y, '1111', '1111', 100);
    expect(y).toMatchObject({ yields: 1, confirmed: 1, resumed: 0, yielding: false });
    expect(voice.log).toEqual(['pause', 'clear']);
  });

  it('a false alarm: she plays on from where she was once the microphone has been quiet 700 ms', () => {
    const voice = new FakeVoice();
    const y = new FloorYield(voice);
    // Floor for 3 frames, then the guard releases it; the mic falls quiet after frame 5.
    const t = drive(y, `0111${'0'.repeat(10)}`, `011111${'0'.repeat(8)}`);
    expect(voice.paused).toBe(true); // quiet only 160 ms so far
    drive(y, '0'.repeat(30), '0'.repeat(30), t);
    expect(voice.log).toEqual(['pause', 'resume']);
    expect(y).toMatchObject({ yields: 1, confirmed: 0, resumed: 1 });
  });

  it('keeps her paused while the player talks on, even past the guard releasing the floor', () => {
    const voice = new FakeVoice();
    const y = new FloorYield(voice);
    drive(y, `01${'0'.repeat(100)}`, '1'.repeat(102));
    expect(voice.log).toEqual(['pause']);
  });

  it('does not pause a voice that has finished its line (her reply to the player must not wait)', () => {
    const voice = new FakeVoice();
    voice.bufferedMs = 0;
    const y = new FloorYield(voice);
    drive(y, '0111', '1111');
    expect(voice.log).toEqual([]);
    expect(y.yields).toBe(0);
  });

  it('does not pause a voice someone else paused', () => {
    const voice = new FakeVoice();
    voice.pause();
    const y = new FloorYield(voice);
    drive(y, '01', '11');
    expect(y.yields).toBe(0);
    expect(voice.log).toEqual(['pause']);
  });
});
