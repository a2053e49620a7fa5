// Audio-path benchmarks, run in real Chromium by bench/run.ts: our pipeline and Firebase's
// startAudioConversation path, on the same input, in the same page.
import { AudioChunker } from '../../src/plugin/audio/capture/chunker.ts';
import { Resampler } from '../../src/plugin/audio/dsp/resampler.ts';
import { RingBuffer } from '../../src/plugin/audio/worklets/ring-buffer.ts';
import { floatToPcm16Base64, pcm16Base64ToFloat } from '../../src/plugin/wire/pcm.ts';
import { firebaseCaptureQuantum, firebaseDecodeAudio, firebaseEncodeMessage } from '../reference/firebase-audio.ts';

const RATE = 48000;
const QUANTUM = 128;

function tone(freq: number, rate: number, seconds: number, amp = 0.5): Float32Array {
  const out = new Float32Array(Math.round(rate * seconds));
  for (let i = 0; i < out.length; i++) out[i] = amp * Math.sin((2 * Math.PI * freq * i) / rate);
  return out;
}

function speechLike(rate: number, seconds: number): Float32Array {
  // Harmonics with a wobbling pitch and a syllable envelope: closer to speech than a pure tone.
  const out = new Float32Array(Math.round(rate * seconds));
  let phase = 0;
  for (let i = 0; i < out.length; i++) {
    const t = i / rate;
    phase += (2 * Math.PI * (140 + 30 * Math.sin(2 * Math.PI * 3 * t))) / rate;
    const env = 0.5 + 0.5 * Math.sin(2 * Math.PI * 4 * t);
    out[i] = 0.3 * env * (Math.sin(phase) + 0.5 * Math.sin(2 * phase) + 0.25 * Math.sin(3 * phase));
  }
  return out;
}

/** RMS away from the edges. For a tone above the output's Nyquist, all of it is alias. */
function rmsOf(x: Float32Array): number {
  const skip = 200;
  let sum = 0;
  for (let i = skip; i < x.length - skip; i++) sum += (x[i] as number) ** 2;
  return Math.sqrt(sum / (x.length - 2 * skip));
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

/** Times `fn` `runs` times after `warmup` runs; returns the median in ms. */
function time(fn: () => void, runs = 15, warmup = 5): number {
  for (let i = 0; i < warmup; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}

let sink = 0; // consumes results so the JIT cannot drop the work

/** Our capture path for `input`: worklet resample into the ring, per-frame 20 ms chunks, s16 base64, JSON. */
function ourCapture(input: Float32Array, countOnly = false): number {
  const resampler = new Resampler(RATE, 16000);
  const out = new Float32Array(resampler.maxOutput(QUANTUM));
  const ring = RingBuffer.create(16000);
  const chunker = new AudioChunker(ring, 320);
  const framePeriod = Math.round(RATE / 60); // the game polls at 60 fps
  let messages = 0;
  let nextFrame = framePeriod;
  const send = (chunk: Float32Array) => {
    messages++;
    if (countOnly) return;
    const msg = JSON.stringify({ realtimeInput: { audio: { mimeType: 'audio/pcm;rate=16000', data: floatToPcm16Base64(chunk) } } });
    sink += msg.length;
  };
  for (let i = 0; i + QUANTUM <= input.length; i += QUANTUM) {
    const n = resampler.processInto(input, out, i, i + QUANTUM);
    ring.write(out, 0, n);
    if (i + QUANTUM >= nextFrame) {
      chunker.pump(send);
      nextFrame += framePeriod;
    }
  }
  chunker.pump(send);
  return messages;
}

/** Firebase's capture path for `input`: one message per render quantum. */
function theirCapture(input: Float32Array, countOnly = false): number {
  let messages = 0;
  const quantum = new Float32Array(QUANTUM);
  for (let i = 0; i + QUANTUM <= input.length; i += QUANTUM) {
    quantum.set(input.subarray(i, i + QUANTUM));
    const pcm16 = firebaseCaptureQuantum(quantum, RATE);
    messages++;
    if (!countOnly) sink += firebaseEncodeMessage(pcm16).length;
  }
  return messages;
}

const bench = {
  run() {
    // Aliasing: a 10 kHz tone sampled at 48 kHz has no place at 16 kHz (Nyquist 8 kHz), so whatever
    // comes out is alias (mostly at 6 kHz; Firebase's 43-of-128 picking smears it over many bins).
    const alias = tone(10000, RATE, 1, 1);
    const ours = new Resampler(RATE, 16000).process(alias);
    const theirsParts: number[] = [];
    for (let i = 0; i + QUANTUM <= alias.length; i += QUANTUM) {
      for (const v of firebaseCaptureQuantum(alias.subarray(i, i + QUANTUM), RATE)) theirsParts.push(v / 32768);
    }
    const theirs = Float32Array.from(theirsParts);
    const inputRms = Math.SQRT1_2;
    const ourAlias = 20 * Math.log10(inputRms / rmsOf(ours));
    const theirAlias = 20 * Math.log10(inputRms / rmsOf(theirs));

    const seconds = 10;
    const speech = speechLike(RATE, seconds);
    const ourMessages = ourCapture(speech, true) / seconds;
    const theirMessages = theirCapture(speech, true) / seconds;
    const ourEncode = time(() => ourCapture(speech));
    const theirEncode = time(() => theirCapture(speech));

    // Playback: 10 s of 24 kHz speech in the 240 ms chunks the service sends.
    const reply = speechLike(24000, seconds);
    const chunks: string[] = [];
    for (let i = 0; i < reply.length; i += 5760) chunks.push(floatToPcm16Base64(reply, i, Math.min(reply.length, i + 5760)));
    const out = new Float32Array(5760);
    const ourDecode = time(() => {
      for (const c of chunks) sink += pcm16Base64ToFloat(c, out).length;
    });
    const theirDecode = time(() => {
      for (const c of chunks) sink += firebaseDecodeAudio(c, out);
    });
    return {
      alias: { ours: ourAlias, theirs: theirAlias },
      messagesPerSecond: { ours: ourMessages, theirs: theirMessages },
      encodeMs: { ours: ourEncode, theirs: theirEncode, audioSeconds: seconds },
      decodeMs: { ours: ourDecode, theirs: theirDecode, audioSeconds: seconds },
      sink,
    };
  },
};

declare global {
  interface Window {
    bench: typeof bench;
  }
}
window.bench = bench;
