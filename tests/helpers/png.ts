/** PNG files built chunk by chunk, for tests of what decoders do with headers and data that disagree. */
import { crc32, deflateSync } from 'node:zlib';

export const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(Buffer.from(type, 'latin1'), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

export interface Ihdr {
  width: number;
  height: number;
  depth?: number;
  /** 0 grey, 2 RGB, 3 palette, 4 grey+alpha, 6 RGBA. */
  colour?: number;
  interlace?: 0 | 1;
}

export function ihdr({ width, height, depth = 8, colour = 0, interlace = 0 }: Ihdr): Uint8Array {
  const d = new Uint8Array(13);
  const view = new DataView(d.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  d.set([depth, colour, 0, 0, interlace], 8);
  return chunk('IHDR', d);
}

/** A PNG of the given header whose IDAT holds `rows` raw scanlines (filter byte 0, then `rowBytes` pixel bytes). */
export function pngWithRows(header: Ihdr, rows: number, rowBytes: number, fill = 0): Uint8Array {
  const raw = new Uint8Array(rows * (1 + rowBytes)).fill(fill);
  for (let r = 0; r < rows; r++) raw[r * (1 + rowBytes)] = 0;
  return png([ihdr(header), chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array(0))]);
}

export function png(chunks: Uint8Array[]): Uint8Array {
  return Uint8Array.from(Buffer.concat([Uint8Array.from(PNG_SIGNATURE), ...chunks]));
}
