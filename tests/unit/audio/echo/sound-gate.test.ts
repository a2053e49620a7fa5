import { describe, expect, it } from 'vitest';
import { SoundGate } from '../../../../src/plugin/audio/echo/sound-gate.ts';

const ms = (db: number): number => 10 ** (db / 10);
const db = (meanSquare: number): number => 10 * Math.log10(meanSquare);
const NOISE = ms(-90);
const SOUND = ms(-55); // the guard's least for sound

/** Pushes `n` chunks of her voice at `voiceDb` (null: silent) with the microphone at `micDb`. */
function push(gate: SoundGate, n: number, voiceDb: number | null, micDb = -90): void {
  for (let i = 0; i < n; i++) gate.push(ms(micDb), voiceDb === null ? 0 : ms(voiceDb));
}

/** Lets what was learned count: a second of her voice (learning waits 1 s, in case the player takes the floor). */
function settle(gate: SoundGate, micDb = -120): void {
  push(gate, 50, -20, micDb);
}

describe('SoundGate', () => {
  it('before the room has shown its echo, trusts the canceller: with her voice at −20 dBFS, sound at −55 dBFS may be the player', () => {
    const gate = new SoundGate();
    push(gate, 50, -20);
    expect(gate.voiceBoundDb).toBeCloseTo(-20, 5);
    expect(gate.playingNow).toBe(true);
    expect(db(gate.threshold(SOUND))).toBeCloseTo(-55, 5);
  });

  it('learns how loud her echo comes back after she stops, and holds sound below that (plus 3 dB) for hers, not the player’s', () => {
    const gate = new SoundGate();
    push(gate, 50, -20);
    // She stops; from 60 ms on (her echo's delay), a canceller that lets go passes it 12 dB down
    // (−32 dBFS) for a quarter of a second.
    for (let pause = 0; pause < 6; pause++) {
      push(gate, 3, null);
      for (let i = 0; i < 12; i++) {
        gate.push(ms(-32), 0);
        gate.learn(gate.voiceBoundDb, gate.playingNow, ms(-32), SOUND);
      }
      push(gate, 20, null);
      push(gate, 50, -20);
    }
    const [playing, after] = gate.returnLossDb;
    expect(after).toBe(12); // from 90 to what her tail showed
    expect(playing).toBe(90); // nothing was learned while she played
    push(gate, 1, null);
    push(gate, 1, null);
    push(gate, 1, null);
    expect(gate.playingNow).toBe(false);
    const threshold = db(gate.threshold(SOUND));
    expect(threshold).toBeGreaterThan(-32 + 3 - 0.5); // her echo is held back…
    expect(threshold).toBeLessThan(-20); // …a player as loud as her voice is not
  });

  it('her echo’s bound holds for the echo’s delay (300 ms) after she stops, then dies away at 2 dB per 20 ms', () => {
    const gate = new SoundGate();
    push(gate, 50, -20);
    push(gate, 14, null);
    expect(gate.voiceBoundDb).toBeCloseTo(-20, 5); // 15th chunk back is still her voice
    push(gate, 10, null);
    expect(gate.voiceBoundDb).toBeCloseTo(-20 - 2 * 9, 5);
    push(gate, 30, null);
    expect(gate.voiceBoundDb).toBe(-120); // past the history: nothing of her is left
  });

  it('assumes the loss only one chunk in twenty of the last 500 came back louder than', () => {
    const gate = new SoundGate();
    push(gate, 50, -20, -120);
    gate.learn(-20, true, ms(-40), SOUND); // the first leak sets it: 20 dB
    expect(gate.returnLossDb[0]).toBe(90); // …a second later
    settle(gate);
    expect(gate.returnLossDb[0]).toBe(20);
    for (let i = 0; i < 100; i++) gate.learn(-20, true, ms(-50), SOUND); // 30 dB, a canceller at work
    settle(gate);
    expect(gate.returnLossDb[0]).toBe(30); // one leak in 101 chunks is under the 5 %
    for (let i = 0; i < 6; i++) gate.learn(-20, true, ms(-30), SOUND);
    settle(gate);
    expect(gate.returnLossDb[0]).toBe(10); // seven in 107 are over it
  });

  it('forgets what it learned in the last second when the player takes the floor: what led up to it was theirs', () => {
    const gate = new SoundGate();
    push(gate, 50, -20, -120);
    for (let i = 0; i < 30; i++) gate.learn(-20, true, ms(-26), SOUND); // the player's first syllables, 6 dB under her voice
    gate.forgetRecent();
    settle(gate);
    expect(gate.returnLossDb).toEqual([90, 90]);
  });

  it('forgets within 10 s: a missed player taken for her echo leaves the window, where a loudest-leak tracker would keep it', () => {
    const gate = new SoundGate();
    push(gate, 50, -20, -120);
    for (let i = 0; i < 400; i++) gate.learn(-20, true, ms(-50), SOUND);
    for (let i = 0; i < 100; i++) gate.learn(-20, true, ms(-24), SOUND); // 2 s of a player as loud as her echo could be
    settle(gate);
    expect(gate.returnLossDb[0]).toBe(6); // at the least loss ever assumed
    for (let i = 0; i < 500; i++) gate.learn(-20, true, ms(-50), SOUND);
    settle(gate);
    expect(gate.returnLossDb[0]).toBe(30);
  });

  it('never takes her echo for louder than her voice less 6 dB; counts a chunk under the floor at the floor; learns nothing from a faint voice', () => {
    const gate = new SoundGate();
    push(gate, 100, -20, -60);
    for (let i = 0; i < 200; i++) gate.learn(-20, true, ms(-10), SOUND); // louder than her voice: not a loss a room has
    settle(gate, -60);
    expect(gate.returnLossDb[0]).toBe(6);
    const quiet = new SoundGate();
    push(quiet, 100, -20, -60);
    quiet.learn(-60, true, ms(-30), SOUND); // her voice below −50 dBFS says nothing
    expect(quiet.returnLossDb).toEqual([90, 90]);
    quiet.learn(-20, true, ms(-70), SOUND); // under the floor (−50 dBFS): her echo was at most that loud, 30 dB down
    settle(quiet, -60);
    expect(quiet.returnLossDb).toEqual([30, 90]);
    for (let i = 0; i < 100; i++) quiet.learn(-20, true, ms(-80), SOUND); // fainter still: still counted at the floor
    settle(quiet, -60);
    expect(quiet.returnLossDb).toEqual([30, 90]);
    expect(db(quiet.floor(SOUND))).toBeCloseTo(-50, 5); // the floor: 10 dB above −60 dBFS of noise
    expect(db(gate.floor(ms(-120)))).toBeCloseTo(-50, 5);
  });

  it('follows the noise floor: the quietest 20 ms over the last 2 s', () => {
    const gate = new SoundGate();
    push(gate, 100, null, -40);
    expect(gate.noiseDb).toBeCloseTo(-40, 5);
    push(gate, 1, null, -70);
    expect(gate.noiseDb).toBeCloseTo(-70, 5);
    push(gate, 99, null, -40);
    expect(gate.noiseDb).toBeCloseTo(-70, 5);
    push(gate, 1, null, -40);
    expect(gate.noiseDb).toBeCloseTo(-40, 5);
    expect(db(gate.threshold(ms(-120)))).toBeCloseTo(-30, 5);
    expect(NOISE).toBeGreaterThan(0);
  });
});
