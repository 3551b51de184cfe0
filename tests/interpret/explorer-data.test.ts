// The binary layout of the shipped whole-network files: a round trip, and clear errors for broken files.
import { describe, expect, it } from 'vitest';
import { DataFormatError, packBinary, readPcaLayer, readTypicality, type PcaLayersHeader, type TypicalityHeader } from '../../src/interpret/explorer-data.ts';

function tiny(): { header: PcaLayersHeader; bytes: Uint8Array } {
  const labels = Uint8Array.of(3, 1, 4); // 3 bytes: the next part must start 4-byte aligned
  const mean = Float32Array.of(0.5, -1);
  const comps = Float32Array.of(1, 0, 0, 1);
  const q = Uint16Array.of(0, 65535, 32768, 0, 65535, 65535);
  const { spans, bytes } = packBinary([labels, labels, mean, comps, q]);
  const header: PcaLayersHeader = {
    version: 1, model: 't', count: 3, labels: spans[0], predictions: spans[1],
    layers: [{ layer: 'h', shape: [2], dim: 2, method: 'exact', eigenvalues: [2, 1], explained: [0.6, 0.3], totalVariance: 3.3,
      mean: spans[2], components: spans[3], points: spans[4], range: { x: [-2, 2], y: [0, 10] } }],
  };
  return { header, bytes };
}

describe('explorer data files', () => {
  it('pca-layers: aligned parts, dequantised points at the ends and the middle of each range', () => {
    const { header, bytes } = tiny();
    expect(header.layers[0].mean.offset % 4).toBe(0);
    const buf = bytes.buffer.slice(0) as ArrayBuffer;
    const l = readPcaLayer(header, buf, 'h');
    expect(Array.from(l.mean)).toEqual([0.5, -1]);
    expect(Array.from(l.components[1])).toEqual([0, 1]);
    expect(l.points[0]).toBeCloseTo(-2, 6);
    expect(l.points[1]).toBeCloseTo(10, 6);
    expect(l.points[2]).toBeCloseTo(0, 3);
    expect(l.points[5]).toBeCloseTo(10, 6);
  });

  it('a truncated file, an unknown layer or another version: a DataFormatError that says what', () => {
    const { header, bytes } = tiny();
    const short = bytes.buffer.slice(0, bytes.length - 4) as ArrayBuffer;
    expect(() => readPcaLayer(header, short, 'h')).toThrow(/past the end/);
    expect(() => readPcaLayer(header, bytes.buffer as ArrayBuffer, 'nope')).toThrow(/no layer "nope" \(has h\)/);
    expect(() => readPcaLayer({ ...header, version: 9 }, bytes.buffer as ArrayBuffer, 'h')).toThrow(DataFormatError);
    const t = packBinary([new Float32Array(4), new Float32Array(4)]);
    const th = { version: 1, dim: 2, classes: 2, means: t.spans[0], precision: t.spans[1] } as TypicalityHeader;
    expect(readTypicality(th, t.bytes.buffer as ArrayBuffer).precision.length).toBe(4);
    expect(() => readTypicality({ ...th, dim: 3 }, t.bytes.buffer as ArrayBuffer)).toThrow(/sizes do not match/);
  });
});
