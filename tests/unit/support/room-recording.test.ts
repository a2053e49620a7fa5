import { describe, expect, it } from 'vitest';
import { Resampler } from '../../../src/plugin/audio/dsp/resampler.ts';
import { envelope, npcInRoom, playerInRoom, silenceAfter } from '../../support/room-recording.ts';
import { speechLike } from '../../support/signal.ts';

const RATE = 48000;
const up = (x: Float32Array) => {
  const r = new Resampler(16000, RATE);
  const head = r.process(x);
  const out = new Float32Array(head.length + 2000);
  out.set(head);
  return out;
};
/** The player's line: 0.2 s of silence, 1.5 s of speech, 0.3 s of silence, as writePlayerWav makes it. */
const line = up(Float32Array.from([...new Float32Array(3200), ...speechLike(1.5, 7, 0.1), ...new Float32Array(4800)]));
/** Frame of the line's own onset and end: 200 ms in, 1.7 s in (±1 frame for the resampler's ramp). */
const LINE_ONSET = 20;
const LINE_END = 170;

/** Her voice for `seconds` (`herGain` times as loud as the player), with the line mixed in from `at` seconds (before the start: cut). */
function speakersWith(at: number, seconds: number, herGain = 2): { room: Float32Array; app: Float32Array } {
  const app = up(speechLike(seconds, 3, 0.1 * herGain)).subarray(0, seconds * RATE);
  const room = Float32Array.from(app);
  const from = Math.round(at * RATE);
  for (let i = Math.max(0, -from); i < line.length && from + i < room.length; i++)
    room[from + i] = (room[from + i] as number) + (line[i] as number);
  return { room, app };
}

describe('room recordings', () => {
  it('finds the player’s line under her louder voice, at its own onset and end', () => {
    const { room } = speakersWith(3.1, 8);
    const { onset, end } = playerInRoom(room, line, RATE);
    expect(Math.abs(onset - (310 + LINE_ONSET))).toBeLessThanOrEqual(1);
    expect(Math.abs(end - (310 + LINE_END))).toBeLessThanOrEqual(1);
  });

  it('finds it under a voice 16 dB louder, and in a recording that starts inside its leading silence', () => {
    const loud = playerInRoom(speakersWith(2.05, 6, 6).room, line, RATE);
    expect(Math.abs(loud.onset - (205 + LINE_ONSET))).toBeLessThanOrEqual(1);
    const late = playerInRoom(speakersWith(-0.1, 6).room, line, RATE);
    expect(Math.abs(late.onset - (LINE_ONSET - 10))).toBeLessThanOrEqual(1);
    expect(Math.abs(late.end - (LINE_END - 10))).toBeLessThanOrEqual(1);
  });

  it('says so when the line is not in the recording', () => {
    const { app } = speakersWith(3.1, 8);
    expect(() => playerInRoom(app, line, RATE)).toThrow(/not found/);
  });

  it('puts her voice on the room’s timeline from the page’s tap, and finds where she fell silent', () => {
    const { room, app } = speakersWith(3.1, 8);
    // She stops 4 s in; the tap started 50 ms after the recorders.
    const stopped = Float32Array.from(app, (v, i) => (i < 4 * RATE ? v : 0));
    const roomStopped = Float32Array.from(room, (v, i) => v - (i < 4 * RATE ? 0 : (app[i] as number)));
    const tap = envelope(stopped, RATE).slice(5);
    const npc = npcInRoom(roomStopped, stopped, RATE, tap);
    expect(Math.abs(silenceAfter(npc, 330) - 400)).toBeLessThanOrEqual(2);
  });
});
