import { describe, expect, it } from 'vitest';
import { MicUplink, type PairedSource } from '../../../../src/plugin/audio/capture/mic-uplink.ts';
import { EchoGuard } from '../../../../src/plugin/audio/echo/echo-guard.ts';
import { type ControllableVoice, VoiceFloor } from '../../../../src/plugin/audio/playback/voice-floor.ts';
import { rms, speechLike } from '../../../support/signal.ts';

const CHUNK = 320;
const RATE = 16000;
/** Chunks between her voice pausing and the microphone no longer hearing it (output + input latency). */
const PATH = 4;

/**
 * A room with a canceller that fails from 3.5 s on: what it lets through of her (processed past
 * recognition, loud) reaches the microphone until her pause does. The game reads it frame by
 * frame; chunks arrive in real time, so a late frame finds a backlog captured before she paused.
 */
class Room implements PairedSource {
  arrived = 0;
  read = 0;
  pausedWhenArrived = -1;
  private readonly ref = speechLike(8, 51);
  private readonly slip: Float32Array;

  constructor() {
    const white = speechLike(8, 52, 1).map((v, i) => v + Math.sin(i * 2.1));
    this.slip = this.ref.map((v, i) =>
      i / RATE >= 3.5 ? 0.3 * (white[i] as number) * Math.abs(v) + 0.02 * (white[i] as number) : v * 1e-5,
    );
  }

  /** Whether the microphone still hears her in chunk `k`. */
  hears(k: number): boolean {
    return this.pausedWhenArrived < 0 || k < this.pausedWhenArrived + PATH;
  }

  readPair(mic: Float32Array, reference: Float32Array): boolean {
    if (this.read >= this.arrived) return false;
    const k = this.read++;
    const at = k * CHUNK;
    if (this.hears(k)) mic.set(this.slip.subarray(at, at + CHUNK));
    else mic.fill(0);
    if (this.pausedWhenArrived < 0 || k < this.pausedWhenArrived) reference.set(this.ref.subarray(at, at + CHUNK));
    else reference.fill(0);
    return true;
  }

  available(): number {
    return (this.arrived - this.read) * CHUNK;
  }
}

/** The NPC's voice: pausing it stops what reaches the microphone once the pause has travelled the path. */
class Voice implements ControllableVoice {
  paused = false;
  readonly bufferedMs = 2000;
  readonly writtenFrames = 0;
  readonly consumedFrames = 0;
  readonly state = 'playing';
  enqueue(): void {}
  end(): void {}
  clear(): void {}
  update(): void {}
  /** How many chunks the game had read when she paused. */
  pausedAtRead = -1;
  constructor(private readonly room: Room) {}
  pause(): void {
    this.paused = true;
    this.pausedAtRead = this.room.read;
    this.room.pausedWhenArrived = this.room.arrived;
  }
  resume(): void {
    this.paused = false;
  }
}

/** Frames of 3 chunks, but the one that reaches 3.5 s comes 400 ms late (20 chunks at once). */
function play(uplink: MicUplink, room: Room, chunks: number): { sent: number[]; lateFrame: [number, number] } {
  const sent: number[] = [];
  let lateFrame: [number, number] = [-1, -1];
  while (room.arrived < chunks) {
    const late = room.arrived >= 170 && lateFrame[0] < 0;
    if (late) lateFrame = [room.arrived, room.arrived + 20];
    room.arrived = Math.min(chunks, room.arrived + (late ? 20 : 3));
    uplink.pump(room.arrived * 20, (chunk) => sent.push(rms(chunk.samples)));
  }
  return { sent, lateFrame };
}

describe('MicUplink with an echo guard', () => {
  it('a late frame: she pauses at the chunk that gives the player the floor, and her echo in the backlog is not taken for the player', () => {
    const room = new Room();
    const voice = new Voice(room);
    const guard = new EchoGuard(true, () => {}, { probeMs: 360 });
    const yieldFloor = new VoiceFloor(voice);
    const uplink = new MicUplink(room, { guard, floor: yieldFloor });
    const { sent, lateFrame } = play(uplink, room, 300);
    // She paused in the middle of the late frame, not after its backlog.
    expect(voice.pausedAtRead).toBeGreaterThan(lateFrame[0]);
    expect(voice.pausedAtRead).toBeLessThan(lateFrame[1]);
    // Her echo went on for the rest of the backlog and the path after it…
    expect(room.pausedWhenArrived + PATH - voice.pausedAtRead).toBeGreaterThan(10);
    // …and none of it was sent; she played on.
    expect(sent.filter((level) => level > 10 ** (-55 / 20))).toEqual([]);
    expect([guard.falseAlarms, yieldFloor.yields, yieldFloor.resumed, voice.paused]).toEqual([1, 1, 1, false]);
    expect(uplink.level).toBe(0);
  });

  it('without telling the guard when she paused, the same backlog of her echo goes out as the player', () => {
    const room = new Room();
    const voice = new Voice(room);
    const guard = new EchoGuard(true, () => {}, { probeMs: 360 });
    guard.voiceStopped = () => {};
    const { sent } = play(new MicUplink(room, { guard, floor: new VoiceFloor(voice) }), room, 300);
    expect(sent.filter((level) => level > 10 ** (-55 / 20)).length).toBeGreaterThan(3);
    expect(guard.falseAlarms).toBe(0);
  });
});
