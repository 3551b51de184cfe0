/**
 * A fetch that cannot run away: the body is streamed and the download stopped as soon as it passes `maxBytes`
 * (whatever Content-Length says, or when there is none), and the whole request, body included, has a deadline.
 * Failures are typed, so a caller can tell "the network or CORS refused" (worth one more try with other rights)
 * from "too large", "too slow" or an HTTP error (not worth downloading again).
 *
 * Before: the image fetch read the whole body and only then compared it with the cap, so a 200 MiB stream without
 * Content-Length was downloaded in full (twice: page, then extension), and a server that never finished kept the
 * panel on "Reading the digit…" for good.
 */

export type FetchFailure = 'network' | 'http' | 'too-large' | 'timeout' | 'aborted';

export class BoundedFetchError extends Error {
  override name = 'BoundedFetchError';
  constructor(
    readonly kind: FetchFailure,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface BoundedFetchOptions {
  /** Refuse bodies larger than this many bytes; the download stops there. */
  maxBytes: number;
  /** Deadline of the whole request, body included (ms). */
  timeoutMs: number;
  /** Stated, never left to defaults: whose cookies go with the request, and whether redirects are followed. */
  credentials: RequestCredentials;
  redirect: RequestRedirect;
  cache?: RequestCache;
  /** Aborts the request from outside (e.g. the deadline of the whole click). */
  signal?: AbortSignal;
  fetchFn?: typeof fetch;
}

export interface FetchedBody {
  bytes: Uint8Array<ArrayBuffer>;
  /** The Content-Type header, '' when absent. */
  type: string;
  /** The final URL, after redirects. */
  url: string;
}

const mib = (n: number) => `${(n / 2 ** 20).toFixed(n < 2 ** 20 ? 2 : 0)} MiB`;

export async function boundedFetch(url: string, opts: BoundedFetchOptions): Promise<FetchedBody> {
  const controller = new AbortController();
  let why: BoundedFetchError | undefined;
  const stop = (err: BoundedFetchError) => {
    why ??= err;
    controller.abort(err);
  };
  const timer = setTimeout(
    () => stop(new BoundedFetchError('timeout', `the download did not finish within ${opts.timeoutMs / 1000} s`)),
    opts.timeoutMs,
  );
  const onOuterAbort = () => stop(new BoundedFetchError('aborted', 'the download was cancelled'));
  if (opts.signal?.aborted) onOuterAbort();
  opts.signal?.addEventListener('abort', onOuterAbort, { once: true });
  try {
    let res: Response;
    try {
      res = await (opts.fetchFn ?? fetch)(url, {
        signal: controller.signal,
        credentials: opts.credentials,
        redirect: opts.redirect,
        ...(opts.cache ? { cache: opts.cache } : {}),
      });
    } catch (e) {
      if (why) throw why;
      // fetch rejects with a TypeError for network and CORS failures alike (the browser does not say which).
      throw new BoundedFetchError('network', `the image could not be downloaded (${(e as Error).message || 'network or CORS error'})`);
    }
    if (!res.ok) {
      await res.body?.cancel().catch(() => undefined);
      throw new BoundedFetchError('http', `the image could not be downloaded (HTTP ${res.status})`, res.status);
    }
    const declared = Number(res.headers.get('content-length'));
    if (declared > opts.maxBytes) {
      await res.body?.cancel().catch(() => undefined);
      throw new BoundedFetchError('too-large', `the image is too large to read (${mib(declared)}; the limit is ${mib(opts.maxBytes)})`);
    }
    const bytes = await readCapped(res, opts.maxBytes, () => why);
    return { bytes, type: res.headers.get('content-type') ?? '', url: res.url || url };
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onOuterAbort);
  }
}

/** The body, read chunk by chunk and cancelled the moment it passes `max` bytes. */
async function readCapped(res: Response, max: number, aborted: () => BoundedFetchError | undefined): Promise<Uint8Array<ArrayBuffer>> {
  if (!res.body) return new Uint8Array(0);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > max) {
        await reader.cancel().catch(() => undefined);
        throw new BoundedFetchError('too-large', `the image is too large to read (more than ${mib(max)})`);
      }
      chunks.push(value);
    }
  } catch (e) {
    if (e instanceof BoundedFetchError) throw e;
    const why = aborted();
    if (why) throw why;
    throw new BoundedFetchError('network', `the download broke off (${(e as Error).message})`);
  }
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.byteLength;
  }
  return out;
}

/**
 * `work`, or a rejection with `message` after `ms`; the signal passed to `work` aborts then, so whatever it started
 * (downloads) stops too.
 */
export async function withDeadline<T>(ms: number, message: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new BoundedFetchError('timeout', message);
      controller.abort(err);
      reject(err);
    }, ms);
  });
  try {
    return await Promise.race([work(controller.signal), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
