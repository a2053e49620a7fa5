// `phaser-npc-voice/audio` on its own, as a game without the plugin would use it: a microphone
// clip cut into 20 ms chunks and encoded, and a streaming voice placed in space over ducked music.
import {
  AudioChunker,
  Ducker,
  floatToPcm16Base64,
  Microphone,
  MicrophoneClipEvent,
  type MicrophoneClipEvents,
  NpcVoiceError,
  pcm16Base64MaxSamples,
  pcm16Base64ToFloat,
  Resampler,
  RingBuffer,
  StreamingVoiceSource,
  StreamingVoiceSourceEvent,
  VoiceBus,
  type VoicePlaybackState,
} from 'phaser-npc-voice/audio';

/** Records, and hands each 20 ms chunk to `send` as base64 s16le. */
export async function recordInto(context: AudioContext, send: (base64: string) => void): Promise<() => void> {
  const clip = await Microphone.start({ audioContext: context, lengthSec: 1, frequency: 16000 });
  const chunker = new AudioChunker(clip, 320);
  const ended = (e: MicrophoneClipEvents['ended']) => console.log('microphone', e.reason);
  const sub = clip.on(MicrophoneClipEvent.Ended, ended);
  const timer = setInterval(() => chunker.pump((chunk) => send(floatToPcm16Base64(chunk))), 20);
  return () => {
    clearInterval(timer);
    sub.close();
    clip.destroy();
  };
}

/** Plays base64 s16le speech at 24 kHz from `(x, y)` relative to the listener, ducking `music`. */
export async function speakFrom(context: AudioContext, music: AudioNode, x: number, y: number): Promise<(base64: string) => void> {
  const voice = await StreamingVoiceSource.create(context, { inputRate: 24000, prebufferMs: 100 });
  const bus = new VoiceBus(context, context.destination, { volume: 0.8, spatial: { refDistance: 120 } });
  const ducker = new Ducker(context, context.destination, { level: 0.3 });
  music.connect(ducker.input);
  voice.connect(bus.input);
  bus.setOffset(x, y);
  voice.on(StreamingVoiceSourceEvent.Underrun, ({ underruns }) => console.warn('underruns', underruns));
  voice.on(StreamingVoiceSourceEvent.Drained, () => ducker.setDucked(false));
  let samples = new Float32Array(0);
  return (base64) => {
    const needed = pcm16Base64MaxSamples(base64);
    if (samples.length < needed) samples = new Float32Array(needed);
    voice.enqueue(pcm16Base64ToFloat(base64, samples));
    const state: VoicePlaybackState = voice.state;
    ducker.setDucked(state !== 'idle');
  };
}

/** The resampler and ring on their own, and the error a game checks for. */
export function downsample(input48k: Float32Array): Float32Array {
  const ring = RingBuffer.create(4800);
  ring.write(new Resampler(48000, 16000).process(input48k));
  const out = new Float32Array(ring.available());
  ring.read(out);
  return out;
}

export const isAudioError = (e: unknown): e is NpcVoiceError => e instanceof NpcVoiceError;
