import { spawn } from 'node:child_process';
import { AcousticLoop } from './acoustic-loop.ts';
import { sleep } from './until.ts';

const RATE = 48000;
const RAW = ['--raw', '--format=float32le', `--rate=${RATE}`, '--channels=1', '--latency-msec=5'];

/** What a room measures as: its own delay, its reverb, its noise. */
export interface RoomResponse {
  /** Speakers → microphone through the room, ms (0 on the wire, where the microphone is the speakers' monitor). */
  latencyMs: number;
  /** Reverberation time: the reverberant decay after interrupted noise, T20 × 3, s (0 on the wire). */
  rt60: number;
  /** The microphone with nobody talking, dBFS RMS. */
  noiseDb: number;
}

/** Records `device` raw as floats until `stop()`. */
function record(loop: AcousticLoop, device: string): { stop(): Promise<Float32Array> } {
  const child = spawn('parec', [...RAW, '-d', device], { env: loop.env, stdio: ['ignore', 'pipe', 'ignore'] });
  const parts: Buffer[] = [];
  child.stdout.on('data', (b: Buffer) => parts.push(b));
  return {
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => {
          const all = Buffer.concat(parts);
          const copy = new Uint8Array(all.byteLength - (all.byteLength % 4));
          copy.set(all.subarray(0, copy.length));
          resolve(new Float32Array(copy.buffer));
        });
        child.kill('SIGTERM');
      }),
  };
}

/** Plays raw float samples into `sink`; resolves once played. */
function play(loop: AcousticLoop, sink: string, samples: Float32Array): Promise<void> {
  const child = spawn('pacat', [...RAW, '-d', sink], { env: loop.env, stdio: ['pipe', 'ignore', 'ignore'] });
  child.stdin.end(Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength));
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** `seconds` of white noise at `peak`, after `before` s of silence and before `after` s of it. */
function noise(seconds: number, peak: number, before: number, after: number): Float32Array {
  const x = new Float32Array(Math.round(RATE * (before + seconds + after)));
  let seed = 1;
  for (let i = Math.round(RATE * before); i < Math.round(RATE * (before + seconds)); i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    x[i] = peak * (seed / 1073741824 - 1);
  }
  return x;
}

/**
 * Measures, at the loop's microphone, the room's response: its delay from a 5 ms burst sent at once
 * to the speakers and straight to the microphone's side (one PulseAudio combine sink, so one
 * recording holds both arrivals), then its RT60 from the decay after ⅔ s of noise stops (the
 * interrupted-noise method: the steady level stands well above the room's noise, an impulse's tail
 * does not).
 */
export async function measureRoom(loop: AcousticLoop): Promise<RoomResponse> {
  const { speakers, air, microphone } = AcousticLoop.devices;
  const chain = loop.room.effects !== null;
  const probe = chain ? loop.pactl('load-module', 'module-combine-sink', 'sink_name=room_probe', `slaves=${speakers},${air}`).trim() : null;
  try {
    // The combine sink starts its two streams a little apart: let it settle on silence first.
    if (probe) await play(loop, 'room_probe', new Float32Array(RATE / 2));
    const mic = record(loop, microphone);
    await sleep(300);
    await play(loop, probe ? 'room_probe' : speakers, noise(0.005, 0.5, 0.5, 0.3));
    // The reverb's decay with the room's noise held: an RT60 needs 20 dB of it.
    loop.holdNoise(true);
    try {
      await play(loop, speakers, noise(NOISE_S, 0.3, 0.2, 1.2));
    } finally {
      loop.holdNoise(false);
    }
    const heard = await mic.stop();
    return analyse(heard, chain);
  } finally {
    if (probe) loop.pactl('unload-module', probe);
  }
}

const NOISE_S = 0.66;

/** Finds the burst in `heard` (first straight, then through the room when `direct`), then the noise's decay after it. */
export function analyse(heard: Float32Array, direct: boolean): RoomResponse {
  const quietFrom = Math.round(0.15 * RATE); // the first 100 ms can hold the chain's previous output
  const first = firstAbove(heard, 0.1, quietFrom);
  if (first < 0) throw new Error('the burst was not heard at the microphone');
  const quietTo = Math.max(quietFrom + 1, first - Math.round(0.02 * RATE));
  let floor = 0;
  for (let i = quietFrom; i < quietTo; i++) floor += (heard[i] as number) ** 2;
  floor /= quietTo - quietFrom;
  // Through the room: the next arrival after the straight burst (5 ms) has passed.
  const arrival = direct ? firstAbove(heard, 0.1, first + Math.round(0.008 * RATE)) : first;
  if (arrival < 0) throw new Error('the burst did not come through the room');
  const noiseAt = firstAbove(heard, 0.1, arrival + Math.round(0.4 * RATE));
  if (noiseAt < 0) throw new Error('the noise was not heard at the microphone');
  return {
    latencyMs: ((arrival - first) / RATE) * 1000,
    rt60: decayTime(heard, noiseAt),
    noiseDb: 10 * Math.log10(floor + 1e-20),
  };
}

function firstAbove(x: Float32Array, threshold: number, from: number): number {
  for (let i = Math.max(0, from); i < x.length; i++) if (Math.abs(x[i] as number) > threshold) return i;
  return -1;
}

/**
 * RT60 of the reverberant decay once the noise that began at `start` stops: the level in 10 ms
 * frames (averaged over 30 ms), from 20 ms after the direct sound has gone to 20 dB below that, × 3.
 * (The loudspeaker's direct sound is well above the reverb at the microphone, so a decay counted
 * from the steady level would measure the direct sound's cut, not the room.)
 */
function decayTime(heard: Float32Array, start: number): number {
  const frame = RATE / 100;
  const power: number[] = [];
  for (let i = start; i + frame <= heard.length; i += frame) {
    let s = 0;
    for (let k = i; k < i + frame; k++) s += (heard[k] as number) ** 2;
    power.push(s / frame + 1e-20);
  }
  const smooth = power.map((p, i) => ((power[i - 1] ?? p) + p + (power[i + 1] ?? p)) / 3);
  // The noise's end: the first frame 6 dB below the steady level of its last 200 ms.
  const n = Math.round(NOISE_S * 100);
  const steady = smooth.slice(n - 25, n - 5).reduce((a, b) => a + b, 0) / 20;
  const cut = smooth.findIndex((p, i) => i > n - 5 && p < steady / 4);
  if (cut < 0) throw new Error('the noise did not stop at the microphone');
  const t0 = cut + 2;
  const l0 = smooth[t0] as number;
  if (l0 < steady * 1e-6) return 0; // nothing after the cut: no room
  const t20 = smooth.findIndex((p, i) => i > t0 && p < l0 / 100);
  if (t20 < 0) return Number.POSITIVE_INFINITY;
  return ((t20 - t0) / 100) * 3;
}
