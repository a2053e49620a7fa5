import { MicChunk } from '../../src/plugin/audio/capture/mic-chunk.ts';
import { VoiceActivity } from '../../src/plugin/audio/capture/voice-activity.ts';

/** 16 kHz audio as the plugin's microphone path hands it on: 20 ms chunks, measured and marked voiced or not. */
export function micChunks(samples: Float32Array, vad = new VoiceActivity()): MicChunk[] {
  const chunks: MicChunk[] = [];
  for (let i = 0; i + 320 <= samples.length; i += 320) {
    const chunk = new MicChunk(samples.slice(i, i + 320)).measure();
    vad.classify(chunk);
    chunks.push(chunk);
  }
  return chunks;
}
