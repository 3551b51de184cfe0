/**
 * fetch that says plainly why not: a network failure or an HTTP error becomes "cannot fetch URL: reason", made into
 * the caller's error by `error` (its prefix, its error class). One place for what the model loader, the worker's
 * wasm and MNIST downloads each wrote out before.
 */
import { errorText } from './guards.ts';

export async function fetchOk(url: string, error: (message: string) => Error = (m) => new Error(m), fetchFn: typeof fetch = fetch): Promise<Response> {
  let res: Response;
  try {
    res = await fetchFn(url);
  } catch (e) {
    throw error(`cannot fetch ${url}: ${errorText(e)}`);
  }
  if (!res.ok) throw error(`cannot fetch ${url}: HTTP ${res.status}`);
  return res;
}
