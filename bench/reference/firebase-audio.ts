/**
 * The reference for `npm run bench`: what firebase/ai 12.19.0's `startAudioConversation` does to
 * audio, re-implemented step for step (see `AudioConversationRunner` and the `audio-processor`
 * worklet string in @firebase/ai 2.16.0's dist/esm/index.esm.js). Only the arithmetic is here;
 * the Web Audio plumbing around it is not measured on either side.
 */

export const FIREBASE_INPUT_RATE = 16000;

/** The worklet's `process()` for one render quantum: nearest-sample "resampling", then Int16. */
export function firebaseCaptureQuantum(pcmData: Float32Array, inputSampleRate: number): Int16Array {
  const resampled = new Float32Array(Math.round((pcmData.length * FIREBASE_INPUT_RATE) / inputSampleRate));
  const ratio = pcmData.length / resampled.length;
  for (let i = 0; i < resampled.length; i++) {
    resampled[i] = pcmData[Math.floor(i * ratio)] as number;
  }
  const resampledInt16 = new Int16Array(resampled.length);
  for (let i = 0; i < resampled.length; i++) {
    const sample = Math.max(-1, Math.min(1, resampled[i] as number));
    if (sample < 0) resampledInt16[i] = sample * 32768;
    else resampledInt16[i] = sample * 32767;
  }
  return resampledInt16;
}

/** The main thread's `port.onmessage`: base64 the bytes and build the `realtimeInput` message. */
export function firebaseEncodeMessage(pcm16: Int16Array): string {
  const base64 = btoa(String.fromCharCode.apply(null, Array.from(new Uint8Array(pcm16.buffer))));
  const chunk = { mimeType: 'audio/pcm', data: base64 };
  return JSON.stringify({ realtimeInput: { audio: chunk } });
}

/** The receive loop and playback queue: base64 → bytes → Int16 → float (into the AudioBuffer). */
export function firebaseDecodeAudio(data: string, channelData: Float32Array): number {
  const audioData = Uint8Array.from(atob(data), (c) => c.charCodeAt(0)).buffer;
  const pcm16 = new Int16Array(audioData);
  const frameCount = pcm16.length;
  for (let i = 0; i < frameCount; i++) channelData[i] = (pcm16[i] as number) / 32768;
  return frameCount;
}
