/**
 * Reading the right-clicked image's pixels from inside the page, with the page's rights: the <img> already on
 * screen if the canvas may read it (same origin, CORS-enabled, data: URLs), else a fetch from the page's origin.
 * Cross-origin images without CORS fail here; the background then tries with the extension's host permissions.
 */
import type { RgbaImage } from '../../src/preprocess/types.ts';
import type { ReadImageReply } from '../messages.ts';
import { encodePixels } from '../messages.ts';
import { errorText } from '../shared/errors.ts';
import { fetchImage, rasteriseElement } from '../shared/image.ts';
import { BoundedFetchError } from '../../src/net/bounded-fetch.ts';

/** The <img> whose source is `srcUrl`, preferring one that is loaded and on screen. */
export function findImage(srcUrl: string): HTMLImageElement | null {
  const all = Array.from(document.images).filter((img) => img.currentSrc === srcUrl || img.src === srcUrl);
  const shown = (img: HTMLImageElement) => {
    const r = img.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  };
  return all.find((img) => img.complete && img.naturalWidth > 0 && shown(img)) ?? all[0] ?? null;
}

async function read(srcUrl: string, img: HTMLImageElement | null): Promise<RgbaImage> {
  if (img?.complete) {
    try {
      return rasteriseElement(img);
    } catch {
      // tainted canvas (cross-origin without CORS) or nothing decoded: try a fetch
    }
  }
  return fetchImage(srcUrl);
}

export async function readImage(srcUrl: string): Promise<ReadImageReply> {
  try {
    const { width, height, data } = await read(srcUrl, findImage(srcUrl));
    return { ok: true, image: { width, height, data: encodePixels(data) } };
  } catch (e) {
    return { ok: false, message: errorText(e), ...(e instanceof BoundedFetchError && e.kind === 'network' ? { network: true } : {}) };
  }
}
