/** An image as canvases and decoders give it: RGBA, row-major, 4 bytes a pixel. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8ClampedArray | Uint8Array;
}

export type Polarity = 'dark-on-light' | 'light-on-dark';

/** The result of MNIST-style preprocessing (src/preprocess/mnist.ts). */
export type Preprocessed =
  | {
      ok: true;
      /** 28×28 row-major, [0, 1], ink bright on dark: what the models take. */
      pixels: Float32Array;
      polarity: Polarity;
      /** The ink's bounding box in the source image. */
      bbox: { x: number; y: number; width: number; height: number };
      /** Fraction of the source's pixels that are ink. */
      inkFraction: number;
    }
  | { ok: false; reason: 'blank' | 'several-digits' | 'too-large' | 'invalid'; message: string };
