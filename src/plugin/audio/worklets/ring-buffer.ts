import { NpcVoiceError } from '../../errors.js';

/**
 * What a {@link RingBuffer} lives in. Post it to an AudioWorklet (`processorOptions`) and call
 * `new RingBuffer(storage)` there to get the other end of the same ring.
 */
export interface RingBufferStorage {
  /** Header (int32 write, read and claimed positions, one spare) followed by `capacity` float32 samples. */
  readonly buffer: SharedArrayBuffer | ArrayBuffer;
  readonly capacity: number;
}

const HEADER_INTS = 4; // write, read, claim, spare (16 bytes keeps the samples 16-byte aligned)
const WRITE = 0;
const READ = 1;
/** Where the write in progress will end: stored before the writer touches a sample, so a reader knows what may be torn. */
const CLAIM = 2;
const HEADER_BYTES = HEADER_INTS * Int32Array.BYTES_PER_ELEMENT;
const MAX_CAPACITY = 2 ** 28; // 1 GiB of samples; keeps modulus ≥ 8 × capacity

/** The wrap point of ring positions: the largest multiple of `capacity` below 2^31. */
export function ringModulus(capacity: number): number {
  return Math.floor(2 ** 31 / capacity) * capacity;
}

/**
 * Single-producer single-consumer ring of float32 samples.
 *
 * Positions are free-running sample counters that wrap at {@link RingBuffer.modulus} (the largest
 * multiple of the capacity below 2^31, so wrapping never moves a sample's slot), and the reader can
 * always tell how far behind it is — including when the writer lapped it. Over a `SharedArrayBuffer` the two ends may live on different threads
 * (main thread and an AudioWorklet); positions are published with `Atomics`, samples first.
 * Nothing allocates after construction: copies are plain loops, never `subarray()` views.
 *
 * @example
 * ```ts
 * const ring = RingBuffer.create(16000, { shared: true });
 * node.port.postMessage(ring.storage);            // the worklet does `new RingBuffer(storage)`
 * const got = ring.read(target);                  // reader side, each frame
 * ```
 */
export class RingBuffer {
  readonly storage: RingBufferStorage;
  readonly capacity: number;
  readonly shared: boolean;
  /** Positions count modulo this (a multiple of `capacity`, below 2^31). */
  readonly modulus: number;
  private readonly header: Int32Array;
  private readonly data: Float32Array;
  /** Samples this reader had to skip because the writer overwrote them first. */
  lostSamples = 0;

  /**
   * Allocates a ring. `shared: true` needs a cross-origin isolated page
   * (`crossOriginIsolated === true`) in browsers; Node always has SharedArrayBuffer.
   */
  static create(capacity: number, options: { shared?: boolean } = {}): RingBuffer {
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > MAX_CAPACITY) {
      throw new NpcVoiceError('invalid-argument', `Ring capacity must be an integer in 1..${MAX_CAPACITY}, got ${capacity}.`);
    }
    const bytes = HEADER_BYTES + capacity * Float32Array.BYTES_PER_ELEMENT;
    if (options.shared && typeof SharedArrayBuffer === 'undefined') {
      throw new NpcVoiceError('invalid-argument', 'SharedArrayBuffer is not available: the page is not cross-origin isolated.');
    }
    const buffer = options.shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
    return new RingBuffer({ buffer, capacity });
  }

  /** Attaches to existing storage (the other end of a ring made with {@link RingBuffer.create}). */
  constructor(storage: RingBufferStorage) {
    const expected = HEADER_BYTES + storage.capacity * Float32Array.BYTES_PER_ELEMENT;
    if (storage.buffer.byteLength !== expected) {
      throw new NpcVoiceError(
        'invalid-argument',
        `Ring storage holds ${storage.buffer.byteLength} bytes; capacity ${storage.capacity} needs ${expected}.`,
      );
    }
    this.storage = storage;
    this.capacity = storage.capacity;
    this.modulus = ringModulus(storage.capacity);
    this.shared = typeof SharedArrayBuffer !== 'undefined' && storage.buffer instanceof SharedArrayBuffer;
    this.header = new Int32Array(storage.buffer, 0, HEADER_INTS);
    this.data = new Float32Array(storage.buffer, HEADER_BYTES, storage.capacity);
  }

  /** Total samples ever written, modulo {@link modulus}. */
  get writePosition(): number {
    return Atomics.load(this.header, WRITE);
  }

  /** Total samples ever consumed (read or skipped), modulo {@link modulus}. */
  get readPosition(): number {
    return Atomics.load(this.header, READ);
  }

  /** `a - b` on the position circle. */
  distance(a: number, b: number): number {
    const d = (a - b) % this.modulus;
    return d < 0 ? d + this.modulus : d;
  }

  /** `position + n` on the position circle. */
  advance(position: number, n: number): number {
    return (position + n) % this.modulus;
  }

  /** Samples written but not yet consumed, including any the writer has already overwritten. */
  unread(): number {
    return this.distance(this.writePosition, this.readPosition);
  }

  /** Samples the reader can still read intact (at most `capacity`). */
  available(): number {
    const unread = this.unread();
    return Math.min(unread, this.capacity);
  }

  /** How many unread samples the writer has overwritten (0 unless the writer lapped the reader). */
  lapped(): number {
    const unread = this.unread();
    return unread > this.capacity ? unread - this.capacity : 0;
  }

  /** Room for {@link push} without overwriting unread samples. */
  space(): number {
    const unread = this.unread();
    return unread >= this.capacity ? 0 : this.capacity - unread;
  }

  /**
   * Producer: writes all of `src[start, end)`, overwriting the oldest samples when the reader is
   * behind (a recording clip keeps the newest audio). Returns the count written.
   */
  write(src: Float32Array, start = 0, end = src.length): number {
    const count = end - start;
    if (count <= 0) return 0;
    const w = this.writePosition;
    // Only the last `capacity` samples can survive; earlier ones would be overwritten at once.
    const skip = count > this.capacity ? count - this.capacity : 0;
    const next = this.advance(w, count);
    Atomics.store(this.header, CLAIM, next);
    this.copyIn(src, start + skip, end, this.advance(w, skip));
    Atomics.store(this.header, WRITE, next);
    return count;
  }

  /**
   * Producer: writes as much of `src[start, end)` as fits without overwriting unread samples
   * (a playback queue must not lose speech). Returns the count written.
   */
  push(src: Float32Array, start = 0, end = src.length): number {
    const space = this.space();
    const count = Math.min(end - start, space);
    if (count <= 0) return 0;
    const w = this.writePosition;
    const next = this.advance(w, count);
    Atomics.store(this.header, CLAIM, next);
    this.copyIn(src, start, start + count, w);
    Atomics.store(this.header, WRITE, next);
    return count;
  }

  /**
   * Consumer: reads up to `end - start` of the oldest intact samples into `dst`. Samples the
   * writer overwrote before we got to them are skipped and added to {@link lostSamples}, never
   * returned as garbage. Returns the count read.
   */
  read(dst: Float32Array, start = 0, end = dst.length): number {
    let r = this.readPosition;
    const lapped = this.lapped();
    if (lapped > 0) {
      r = this.advance(r, lapped);
      this.lostSamples += lapped;
    }
    const want = end - start;
    const have = this.available();
    let count = Math.min(want, have);
    if (count <= 0) {
      Atomics.store(this.header, READ, r);
      return 0;
    }
    this.copyOut(r, dst, start, count);
    // The writer may have lapped us while we copied (overwrite mode, other thread): anything it
    // reached — or has claimed and may be writing now — is torn, so drop that prefix rather than
    // hand it out.
    const torn = this.tornSince(r);
    if (torn > 0) {
      const keep = count > torn ? count - torn : 0;
      dst.copyWithin(start, start + (count - keep), start + count);
      this.lostSamples += count - keep;
      r = this.advance(r, count - keep);
      count = keep;
    }
    Atomics.store(this.header, READ, this.advance(r, count));
    return count;
  }

  /** Consumer: drops up to `count` unread samples (all of them by default). Returns the count dropped. */
  skip(count = Number.POSITIVE_INFINITY): number {
    const unread = this.unread();
    const n = Math.min(count, unread);
    Atomics.store(this.header, READ, this.advance(this.readPosition, n));
    return n;
  }

  /**
   * Copies `dst.length` samples starting at absolute position `position` with wrap-around, without
   * consuming anything (the Unity `AudioClip.GetData` shape).
   */
  peek(position: number, dst: Float32Array, start = 0, end = dst.length): void {
    this.copyOut(((position % this.modulus) + this.modulus) % this.modulus, dst, start, end - start);
  }

  private tornSince(r: number): number {
    const unread = this.distance(Atomics.load(this.header, CLAIM), r);
    return unread > this.capacity ? unread - this.capacity : 0;
  }

  private copyIn(src: Float32Array, start: number, end: number, position: number): void {
    const data = this.data;
    const cap = this.capacity;
    let i = position % cap;
    for (let s = start; s < end; s++) {
      data[i] = src[s] as number;
      if (++i === cap) i = 0;
    }
  }

  private copyOut(position: number, dst: Float32Array, start: number, count: number): void {
    const data = this.data;
    const cap = this.capacity;
    let i = position % cap;
    const end = start + count;
    for (let d = start; d < end; d++) {
      dst[d] = data[i] as number;
      if (++i === cap) i = 0;
    }
  }
}
