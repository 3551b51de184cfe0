/** Plain shapes every context passes around: a rectangle, and an RGBA image to put on a canvas. */

/** A rectangle (the same fields as a DOMRect's x, y, width, height). */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** RGBA pixels, row-major, 4 bytes a pixel (what ImageData holds). */
export interface Rgba {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}
