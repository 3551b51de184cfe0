/**
 * Turning an image (bytes or an <img>) into RGBA pixels at a sane size, in any context with a DOM (content
 * script, offscreen document, Firefox's background page). Preprocessing only needs the digit's shape, so big
 * images are downscaled first; SVGs have no pixels, so they are rasterised at a fixed size.
 */
import type { RgbaImage } from '../../src/preprocess/types.ts';
import { boundedFetch, BoundedFetchError } from '../../src/net/bounded-fetch.ts';
import { formatName, sizeProblem, sniffImage } from '../../src/image/sniff.ts';

/** Longest side we hand to preprocessing; a digit needs far fewer pixels than this (MNIST: 20×20 of ink). */
export const MAX_SIDE = 512;
/** Longest side an SVG is rasterised at. */
export const SVG_SIDE = 280;
/** Bytes we are willing to download for one image. */
export const MAX_BYTES = 32 << 20;
/** Deadline of one image download, body included. */
export const FETCH_TIMEOUT_MS = 4000;

export class ImageReadError extends Error {
  override name = 'ImageReadError';
}

/** The size to draw at: the same aspect ratio, longest side at most `max` (upscaled to `max` only if asked). */
export function fitSize(width: number, height: number, max = MAX_SIDE, upscale = false): { width: number; height: number } {
  const scale = upscale ? max / Math.max(width, height) : Math.min(1, max / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** Draws `source` at width×height and reads the pixels back. Throws a DOMException if the source is tainted. */
export function rasterise(source: CanvasImageSource, width: number, height: number): RgbaImage {
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new ImageReadError('cannot create a 2D canvas to read the image');
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(source, 0, 0, width, height);
  const { data } = ctx.getImageData(0, 0, width, height);
  return { width, height, data };
}

const SVG_URL = /\.svgz?(?:[?#]|$)|^data:image\/svg/i;
const isSvg = (blob: Blob, url: string) => blob.type.startsWith('image/svg') || (!blob.type && SVG_URL.test(url));

/** Decodes image bytes. SVG goes through an <img> (createImageBitmap refuses SVG blobs). */
export async function decodeBlob(blob: Blob, url = ''): Promise<RgbaImage> {
  if (blob.size === 0) throw new ImageReadError('the image is empty (0 bytes)');
  if (blob.size > MAX_BYTES) throw new ImageReadError(`the image is too large to read (${(blob.size / 2 ** 20).toFixed(0)} MiB)`);
  if (isSvg(blob, url)) return decodeSvg(blob);
  // The size from the header, before the browser decodes anything (a 429-byte PNG can declare 20000×20000).
  const head = sniffImage(new Uint8Array(await blob.arrayBuffer()));
  if (head.format === 'svg') return decodeSvg(blob);
  if (!head.format || head.width === undefined || head.height === undefined) {
    const what = head.format ? `this ${formatName(head.format)} is damaged (its header gives no size)` : 'this file is not an image format Seeing Digits reads';
    throw new ImageReadError(what);
  }
  const problem = sizeProblem(head.width, head.height);
  if (problem) throw new ImageReadError(problem);
  let bitmap: ImageBitmap;
  try {
    // Downscaled while decoding where the browser can (fitSize again below where it cannot).
    const fit = fitSize(head.width, head.height);
    const resize = fit.width < head.width ? { resizeWidth: fit.width, resizeHeight: fit.height, resizeQuality: 'high' as const } : {};
    bitmap = await createImageBitmap(blob, resize);
  } catch {
    throw new ImageReadError(`this file is not an image the browser can decode (${blob.type || 'unknown type'})`);
  }
  try {
    const { width, height } = fitSize(bitmap.width, bitmap.height);
    return rasterise(bitmap, width, height);
  } finally {
    bitmap.close();
  }
}

async function decodeSvg(blob: Blob): Promise<RgbaImage> {
  const url = URL.createObjectURL(blob.type.startsWith('image/svg') ? blob : new Blob([blob], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.src = url;
    await img.decode().catch(() => {
      throw new ImageReadError('this SVG could not be rendered');
    });
    return rasteriseElement(img, true);
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** Pixels of a loaded <img> (throws a DOMException named SecurityError if it is cross-origin without CORS). */
export function rasteriseElement(img: HTMLImageElement, svg = SVG_URL.test(img.currentSrc || img.src)): RgbaImage {
  const w = img.naturalWidth;
  const h = img.naturalHeight;
  if (!(w > 0 && h > 0)) {
    // An SVG without width/height has no natural size: draw it square. Anything else has not loaded.
    if (svg) return rasterise(img, SVG_SIDE, SVG_SIDE);
    throw new ImageReadError('the image has not loaded');
  }
  const size = svg ? fitSize(w, h, SVG_SIDE, true) : fitSize(w, h);
  return rasterise(img, size.width, size.height);
}

/** Extension pages (offscreen document, Firefox's background page) fetch with host permissions: never with cookies. */
const privileged = () => /^(chrome|moz)-extension:$/.test(globalThis.location?.protocol ?? '');

/**
 * Fetches and decodes an image URL (with whatever CORS rights the calling context has), bounded in bytes and time.
 * A network or CORS failure is rethrown as a BoundedFetchError of kind 'network' (worth a try with other rights);
 * every other failure is an ImageReadError (not worth downloading again).
 */
export async function fetchImage(url: string, signal?: AbortSignal): Promise<RgbaImage> {
  let body;
  try {
    body = await boundedFetch(url, {
      maxBytes: MAX_BYTES,
      timeoutMs: FETCH_TIMEOUT_MS,
      credentials: privileged() ? 'omit' : 'same-origin',
      redirect: 'follow',
      cache: 'force-cache',
      signal,
    });
  } catch (e) {
    if (e instanceof BoundedFetchError && e.kind !== 'network') throw new ImageReadError(e.message);
    throw e;
  }
  return decodeBlob(new Blob([body.bytes], { type: body.type }), url);
}
