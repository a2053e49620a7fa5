// Worker thread for the ring-buffer concurrency test: writes an ascending count into a shared ring
// (overwrite mode, like the microphone worklet) in small blocks until `total` samples are written.
import { parentPort, workerData } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';

const { RingBuffer } = await tsImport('../../src/plugin/audio/worklets/ring-buffer.ts', import.meta.url);
const { storage, total, block } = workerData;
const ring = new RingBuffer(storage);
const chunk = new Float32Array(block);
for (let next = 0; next < total; next += block) {
  for (let i = 0; i < block; i++) chunk[i] = next + i;
  ring.write(chunk);
}
parentPort?.postMessage('done');
