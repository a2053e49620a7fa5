// Worker thread for the ring-buffer concurrency test: writes an ascending count into a shared ring
// (overwrite mode, like the microphone worklet) in small blocks — at least `total` samples, and on
// until the reader raises `stop[0]` (so a slow reader on a busy machine still races the writer),
// never past `max` (float32 counts exactly up to 2^24). Posts how many it wrote.
import { parentPort, workerData } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';

const { RingBuffer } = await tsImport('../../src/plugin/audio/worklets/ring-buffer.ts', import.meta.url);
const { storage, total, max, block, stop } = workerData;
const ring = new RingBuffer(storage);
const stopFlag = new Int32Array(stop);
const chunk = new Float32Array(block);
let next = 0;
for (; next < max && (next < total || Atomics.load(stopFlag, 0) === 0); next += block) {
  for (let i = 0; i < block; i++) chunk[i] = next + i;
  ring.write(chunk);
}
parentPort?.postMessage(next);
