import { describe, expect, it } from 'vitest';
import { imageSize } from '../../../src/emulator/image-size.ts';

describe('imageSize', () => {
  it('reads a JPEG’s size from its start-of-frame segment, after the segments before it', () => {
    const soi = [0xff, 0xd8];
    const app0 = [0xff, 0xe0, 0x00, 0x06, 0x4a, 0x46, 0x49, 0x46]; // length 6
    const dqt = [0xff, 0xdb, 0x00, 0x03, 0x00]; // length 3
    const sof0 = [0xff, 0xc0, 0x00, 0x0b, 0x08, 0x02, 0x58, 0x03, 0x20, 0x01, 0x01, 0x11, 0x00]; // 600 high, 800 wide
    const eoi = [0xff, 0xd9];
    const jpeg = Uint8Array.from([...soi, ...app0, ...dqt, ...sof0, ...eoi]);
    expect(imageSize('image/jpeg', jpeg)).toEqual({ width: 800, height: 600 });
  });

  it('reads a PNG’s size from IHDR', () => {
    const png = new Uint8Array(24);
    png.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
    new DataView(png.buffer).setUint32(16, 160);
    new DataView(png.buffer).setUint32(20, 90);
    expect(imageSize('image/png', png)).toEqual({ width: 160, height: 90 });
  });

  it('answers null for a JPEG whose scan starts before any frame header, and for WebP', () => {
    expect(imageSize('image/jpeg', Uint8Array.from([0xff, 0xd8, 0xff, 0xda, 0x00, 0x02, 0, 0, 0, 0, 0, 0]))).toBeNull();
    expect(imageSize('image/webp', new Uint8Array(30))).toBeNull();
  });
});
