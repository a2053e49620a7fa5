import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { RingBuffer } from '../../../../src/plugin/audio/worklets/ring-buffer.ts';
import { NpcVoiceError } from '../../../../src/plugin/errors.ts';

const seq = (from: number, n: number) => Float32Array.from({ length: n }, (_, i) => from + i);

describe('RingBuffer', () => {
  it('reads back what was written, across the wrap point', () => {
    const ring = RingBuffer.create(8);
    const out = new Float32Array(8);
    ring.write(seq(0, 6));
    expect(ring.read(out, 0, 6)).toBe(6);
    ring.write(seq(6, 5)); // slots 6,7,0,1,2
    expect(ring.available()).toBe(5);
    expect(ring.read(out)).toBe(5);
    expect(Array.from(out.subarray(0, 5))).toEqual([6, 7, 8, 9, 10]);
  });

  it('tells when the writer lapped the reader, by how much, and skips the lost samples', () => {
    const ring = RingBuffer.create(10);
    ring.write(seq(0, 25));
    expect(ring.lapped()).toBe(15);
    const out = new Float32Array(10);
    expect(ring.read(out)).toBe(10);
    expect(Array.from(out)).toEqual(Array.from(seq(15, 10)));
    expect(ring.lostSamples).toBe(15);
    expect(ring.lapped()).toBe(0);
  });

  it('push() never overwrites unread samples and reports how many it took', () => {
    const ring = RingBuffer.create(4);
    expect(ring.push(seq(0, 3))).toBe(3);
    expect(ring.push(seq(3, 3))).toBe(1);
    expect(ring.space()).toBe(0);
    const out = new Float32Array(4);
    expect(ring.read(out)).toBe(4);
    expect(Array.from(out)).toEqual([0, 1, 2, 3]);
    expect(ring.lostSamples).toBe(0);
  });

  it('loses nothing under interleaved writes and reads of random sizes', () => {
    const ring = RingBuffer.create(97);
    const out = new Float32Array(200);
    let next = 0;
    let expected = 0;
    let seed = 42;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let round = 0; round < 5000; round++) {
      const w = rand(60);
      const chunk = seq(next, w);
      next += ring.push(chunk);
      const got = ring.read(out, 0, rand(80));
      for (let i = 0; i < got; i++) expect(out[i]).toBe(expected++);
    }
    expect(ring.lostSamples).toBe(0);
    expect(expected).toBeGreaterThan(50_000);
  });

  it('keeps slots stable and counts right when positions wrap around the modulus', () => {
    const ring = RingBuffer.create(1000);
    // Start both positions just below the wrap point instead of writing 2^31 samples to get there.
    new Int32Array(ring.storage.buffer, 0, 2).fill(ring.modulus - 3);
    ring.write(seq(1, 10));
    expect(ring.writePosition).toBe(7);
    expect(ring.unread()).toBe(10);
    const out = new Float32Array(10);
    expect(ring.read(out)).toBe(10);
    expect(Array.from(out)).toEqual(Array.from(seq(1, 10)));
    ring.write(seq(0, 1500)); // lap across the wrap as well
    expect(ring.lapped()).toBe(500);
    expect(ring.read(new Float32Array(1000))).toBe(1000);
    expect(ring.lostSamples).toBe(500);
  });

  it('peek() copies with wrap-around without consuming', () => {
    const ring = RingBuffer.create(5);
    ring.write(seq(0, 7)); // slots: 5 6 2 3 4
    const out = new Float32Array(5);
    ring.peek(3, out);
    expect(Array.from(out)).toEqual([3, 4, 5, 6, 2]);
    expect(ring.unread()).toBe(7);
  });

  it('a reader lapped by a writer on another thread never returns a torn sample, and counts every one it skips', async () => {
    // The writer races ahead of a reader whose ring is tiny: reads are lapped, and often lapped
    // again while they copy. Samples carry their own position, so any torn one would show.
    const ring = RingBuffer.create(64, { shared: true });
    // The writer goes on until this reader has read often enough, however busy the machine.
    const stop = new Int32Array(new SharedArrayBuffer(4));
    const worker = new Worker(new URL('../../../support/ring-writer.worker.mjs', import.meta.url), {
      // Multiples of the block; 16 000 000 < 2^24, so every count is exact in float32.
      workerData: { storage: ring.storage, total: 4_000_000, max: 16_000_000, block: 50, stop: stop.buffer },
    });
    let written = -1;
    const done = new Promise<void>((resolve, reject) => {
      worker.once('message', (n: number) => {
        written = n;
        resolve();
      });
      worker.once('error', reject);
    });
    let finished = false;
    void done.then(() => {
      finished = true;
    });
    const out = new Float32Array(64);
    let expected = 0;
    let reads = 0;
    let tornOrLapped = 0;
    const check = () => {
      const lostBefore = ring.lostSamples;
      const got = ring.read(out);
      // Everything before the first returned sample was counted as lost, nothing more or less.
      expected += ring.lostSamples - lostBefore;
      if (ring.lostSamples > lostBefore) tornOrLapped++;
      if (got === 0) return;
      if (++reads > 50) Atomics.store(stop, 0, 1);
      expect(out[0]).toBe(expected);
      for (let i = 1; i < got; i++) expect(out[i]).toBe(expected + i);
      expected += got;
    };
    while (!finished) {
      check();
      await new Promise((r) => setImmediate(r));
    }
    check();
    await worker.terminate();
    expect(expected).toBe(written);
    expect(expected - ring.lostSamples).toBeGreaterThan(0);
    expect(reads).toBeGreaterThan(10);
    expect(tornOrLapped).toBeGreaterThan(0);
  });

  it('two views of one shared storage are the two ends of the same ring', () => {
    const producer = RingBuffer.create(16, { shared: true });
    const consumer = new RingBuffer(producer.storage);
    expect(consumer.shared).toBe(true);
    producer.write(seq(10, 4));
    const out = new Float32Array(4);
    expect(consumer.read(out)).toBe(4);
    expect(Array.from(out)).toEqual([10, 11, 12, 13]);
    expect(producer.readPosition).toBe(4);
  });

  it('rejects bad capacities and mismatched storage with typed errors', () => {
    expect(() => RingBuffer.create(0)).toThrow(NpcVoiceError);
    expect(() => RingBuffer.create(1.5)).toThrow(/integer/);
    expect(() => new RingBuffer({ buffer: new ArrayBuffer(8), capacity: 100 })).toThrow(/needs/);
  });
});
