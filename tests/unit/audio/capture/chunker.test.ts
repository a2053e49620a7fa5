import { describe, expect, it } from 'vitest';
import { AudioChunker } from '../../../../src/plugin/audio/capture/chunker.ts';
import { RingBuffer } from '../../../../src/plugin/audio/worklets/ring-buffer.ts';

const seq = (from: number, n: number) => Float32Array.from({ length: n }, (_, i) => from + i);

describe('AudioChunker', () => {
  it('hands out whole 20 ms chunks and keeps the remainder for the next frame', () => {
    const ring = RingBuffer.create(16000);
    const chunker = new AudioChunker(ring, 320);
    const seen: number[][] = [];
    ring.write(seq(0, 700));
    expect(chunker.pump((c) => seen.push([c[0] as number, c[319] as number]))).toBe(2);
    ring.write(seq(700, 300));
    expect(chunker.pump((c) => seen.push([c[0] as number, c[319] as number]))).toBe(1);
    expect(seen).toEqual([
      [0, 319],
      [320, 639],
      [640, 959],
    ]);
  });

  it('never joins audio from both sides of a gap', () => {
    const ring = RingBuffer.create(1000);
    const chunker = new AudioChunker(ring, 320);
    const firsts: number[] = [];
    ring.write(seq(0, 1000));
    chunker.pump((c) => firsts.push(c[0] as number), 3); // reads 960, 40 left in the ring
    ring.write(seq(1000, 5000)); // the writer laps the reader: 3000..3999 survive... and more
    chunker.pump((c) => firsts.push(c[0] as number));
    expect(chunker.gaps).toBe(1);
    expect(firsts.slice(0, 3)).toEqual([0, 320, 640]);
    // After the gap every chunk is contiguous new audio starting where the ring's oldest intact sample was.
    expect(firsts[3]).toBe(5000);
    expect(firsts.slice(3)).toEqual([5000, 5320, 5640]);
  });

  it('reuses one buffer for every chunk (no allocation per chunk)', () => {
    const ring = RingBuffer.create(4000);
    const chunker = new AudioChunker(ring, 320);
    const buffers = new Set<Float32Array>();
    ring.write(seq(0, 3200));
    chunker.pump((c) => buffers.add(c));
    expect(buffers.size).toBe(1);
  });
});
