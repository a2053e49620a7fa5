import type { EchoGuard } from './echo-guard.js';
import type { FloorYield } from './floor-yield.js';

/** What the uplink reads: the microphone, with what the NPC played recorded beside it (a `MicrophoneClip` with a reference). */
export interface PairedSource {
  /** Reads the next 20 ms of microphone and reference together; false when there is not a whole chunk of both yet. */
  readPair(mic: Float32Array, reference: Float32Array): boolean;
  /** Microphone samples captured and not yet read. */
  available(): number;
}

const CHUNK = 320; // 20 ms at 16 kHz

/**
 * The microphone's way to the service while an NPC can speak. Every frame it reads each new 20 ms
 * chunk together with what she played at that moment, and lets the {@link EchoGuard} decide what
 * goes. The moment the guard gives the player the floor — in the middle of a late frame's backlog,
 * not after it — it pauses her voice ({@link FloorYield}) and tells the guard how much of that
 * backlog was captured before she paused, so the guard's probe does not take her echo in it for
 * the player.
 *
 * @example
 * ```ts
 * const uplink = new GuardedUplink(clip, guard, new FloorYield(voice));
 * // every frame:
 * uplink.pump(pushToTalkHeld, performance.now(), (chunk) => conversation.pushAudio(chunk));
 * meter.level = uplink.level;
 * ```
 */
export class GuardedUplink {
  /** RMS of the last microphone chunk read (0..1). */
  level = 0;
  private readonly mic = new Float32Array(CHUNK);
  private readonly ref = new Float32Array(CHUNK);
  private readonly audibleLevel: number;

  constructor(
    private readonly source: PairedSource,
    readonly guard: EchoGuard,
    readonly floorYield: FloorYield | null = null,
    /** Microphone level that counts as sound when deciding whether she may play on, dBFS. */
    audibleDb = -55,
  ) {
    this.audibleLevel = 10 ** (audibleDb / 20);
  }

  /**
   * Reads everything new; `send` gets each chunk the guard lets go (reused: copy it to keep it).
   * Returns whether any chunk was read.
   */
  pump(pushToTalkHeld: boolean, nowMs: number, send: (chunk: Float32Array) => void): boolean {
    const guard = this.guard;
    let read = false;
    while (this.source.readPair(this.mic, this.ref)) {
      read = true;
      this.level = rms(this.mic);
      const hadFloor = guard.playerHasFloor;
      guard.process(this.mic, this.ref, pushToTalkHeld, send);
      if (hadFloor || !guard.playerHasFloor) continue;
      this.floorYield?.update(true, this.level > this.audibleLevel, nowMs, guard.falseAlarms);
      guard.voiceStopped(Math.floor(this.source.available() / CHUNK));
    }
    this.floorYield?.update(guard.playerHasFloor, this.level > this.audibleLevel, nowMs, guard.falseAlarms);
    return read;
  }
}

function rms(x: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += (x[i] as number) * (x[i] as number);
  return Math.sqrt(sum / x.length);
}
