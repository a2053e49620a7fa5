/** Width and height of an image, read from its header. */
export interface ImageSize {
  width: number;
  height: number;
}

/** Reads the size from a JPEG's start-of-frame segment or a PNG's IHDR chunk; null when neither is found. */
export function imageSize(mimeType: string, bytes: Uint8Array): ImageSize | null {
  if (mimeType === 'image/jpeg') return jpegSize(bytes);
  if (mimeType === 'image/png') return pngSize(bytes);
  return null;
}

function u16(b: Uint8Array, i: number): number {
  return ((b[i] as number) << 8) | (b[i + 1] as number);
}

function jpegSize(b: Uint8Array): ImageSize | null {
  let i = 2; // after SOI
  while (i + 9 < b.length) {
    if (b[i] !== 0xff) return null;
    const marker = b[i + 1] as number;
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    // SOF0..SOF15 carry the frame size, except DHT (C4), JPG (C8) and DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc)
      return { height: u16(b, i + 5), width: u16(b, i + 7) };
    if (marker === 0xd9 || marker === 0xda) return null; // end of image, or scan data before any frame header
    i += 2 + u16(b, i + 2);
  }
  return null;
}

function pngSize(b: Uint8Array): ImageSize | null {
  if (b.length < 24) return null;
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}
