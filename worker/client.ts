/**
 * The caller's side: a typed SeeingDigitsApi over Comlink that survives the worker dying. Every call has a time
 * limit; when the worker crashes (error/exit) or a call times out, the worker is terminated, a new one is started,
 * the last init() is replayed on it, and the call is retried once. Errors thrown in the worker arrive as Errors
 * with the worker's message; failures of the worker itself say what happened ("timed out after 10000 ms").
 *
 * Works with any worker through WorkerLike: fromWebWorker (browsers) here, fromNodeWorker in client-node.ts.
 */
import * as Comlink from 'comlink';
import type { InitOptions, SeeingDigitsApi } from './api.ts';

/** A started worker, as the client needs it. */
export interface WorkerLike {
  /** The channel Comlink talks over (a Worker, a MessagePort, or an adapted Node Worker). */
  endpoint: Comlink.Endpoint;
  /** Calls `cb` when the worker dies or fails (it may be called more than once; the first call counts). */
  onFailure(cb: (err: Error) => void): void;
  terminate(): void;
}

export interface ClientOptions {
  /** Time limit of each call (default 10 s). */
  timeoutMs?: number;
  /** Time limit of init, which loads models and compiles WebAssembly (default 60 s). */
  initTimeoutMs?: number;
}

export interface SeeingDigitsClient extends SeeingDigitsApi {
  /** Terminates the worker; a later call starts a new one (replaying init). */
  close(): void;
  /** How many workers this client has started (1 + restarts). */
  readonly starts: number;
}

/** The worker crashed or stopped answering: the call may be retried on a new worker. */
export class WorkerFailure extends Error {
  override name = 'WorkerFailure';
  /** False when the client itself ended the worker (close()): calls in flight then fail without a retry. */
  constructor(message: string, readonly retryable = true) {
    super(message);
  }
}

interface Generation {
  worker: WorkerLike;
  remote: Comlink.Remote<SeeingDigitsApi>;
  /**
   * Calls `cb` once if the worker fails; returns the unsubscribe. NOTE: one subscription per call, removed when
   * the call ends: a long-lived `failed` promise raced on every call kept a reaction (and the call's result) alive
   * per call, a leak of ~7.5 KiB per analysis.
   */
  onDeath(cb: (err: WorkerFailure) => void): () => void;
  dead: boolean;
  kill(err: WorkerFailure): void;
}

type Method = keyof SeeingDigitsApi;

export function createClient(spawn: () => WorkerLike, opts: ClientOptions = {}): SeeingDigitsClient {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const initTimeoutMs = opts.initTimeoutMs ?? 60_000;
  let current: Generation | undefined;
  let starting: Promise<Generation> | undefined;
  /** Everything init() has set so far, replayed on a new worker. */
  let lastInit: InitOptions | undefined;
  let starts = 0;
  /** Every worker not yet terminated (close() ends them all, including one still replaying init). */
  const alive = new Set<Generation>();

  function launch(): Generation {
    const worker = spawn();
    starts++;
    const mourners = new Set<(err: WorkerFailure) => void>();
    let death: WorkerFailure | undefined;
    const gen: Generation = {
      worker,
      remote: Comlink.wrap<SeeingDigitsApi>(worker.endpoint),
      onDeath(cb) {
        if (death) {
          cb(death);
          return () => undefined;
        }
        mourners.add(cb);
        return () => mourners.delete(cb);
      },
      dead: false,
      kill(err) {
        if (gen.dead) return;
        gen.dead = true;
        death = err;
        alive.delete(gen);
        for (const cb of [...mourners]) cb(err);
        mourners.clear();
        worker.terminate();
        if (current === gen) current = undefined;
      },
    };
    worker.onFailure((e) => gen.kill(new WorkerFailure(`the worker crashed (${e.message})`)));
    alive.add(gen);
    return gen;
  }

  /** The live worker, or a new one with the last init replayed (shared by concurrent callers). */
  function live(): Promise<Generation> {
    if (current && !current.dead) return Promise.resolve(current);
    starting ??= (async () => {
      const gen = launch();
      try {
        if (lastInit) await race(gen, () => gen.remote.init(lastInit), initTimeoutMs, 'init (replayed on a new worker)');
      } catch (e) {
        gen.kill(new WorkerFailure('replaying init failed'));
        throw e;
      }
      current = gen;
      return gen;
    })().finally(() => (starting = undefined));
    return starting;
  }

  async function call<M extends Method>(method: M, args: Parameters<SeeingDigitsApi[M]>): Promise<Awaited<ReturnType<SeeingDigitsApi[M]>>> {
    // init compiles wasm and loads models; trainStart may download and decompress MNIST.
    const limit = method === 'init' || method === 'trainStart' ? initTimeoutMs : timeoutMs;
    let first: WorkerFailure | undefined;
    for (;;) {
      try {
        const gen = await live(); // a crash while replaying init counts as this call's failure
        const fn = gen.remote[method] as unknown as (...a: unknown[]) => Promise<Awaited<ReturnType<SeeingDigitsApi[M]>>>;
        return await race(gen, () => fn(...args), limit, method);
      } catch (e) {
        if (!(e instanceof WorkerFailure) || !e.retryable) throw e;
        if (first) throw new WorkerFailure(`${method}: ${e.message}, again after a restart (first: ${first.message})`);
        first = e; // retry once on a new worker
      }
    }
  }

  return {
    async init(opts) {
      const info = await call('init', [opts]);
      lastInit = mergeInit(lastInit, opts);
      return info;
    },
    engine: () => call('engine', []),
    models: () => call('models', []),
    analyze: (input, opts) => call('analyze', [input, opts]),
    hookPoints: (model) => call('hookPoints', [model]),
    runWithCache: (model, inputs, opts) => call('runWithCache', [model, inputs, opts]),
    runWithHooks: (model, inputs, hooks, opts) => call('runWithHooks', [model, inputs, hooks, opts]),
    stats: () => call('stats', []),
    attribute: (model, input, opts) => call('attribute', [model, input, opts]),
    trainStart: (config, opts) => call('trainStart', [config, opts]),
    trainControl: (action) => call('trainControl', [action]),
    trainPoll: () => call('trainPoll', []),
    trainPredict: (pixels) => call('trainPredict', [pixels]),
    trainModel: () => call('trainModel', []),
    close() {
      for (const gen of [...alive]) gen.kill(new WorkerFailure('the client was closed', false));
    },
    get starts() {
      return starts;
    },
  };
}

/** The call's result, or a WorkerFailure when the worker dies or the time runs out (the worker is then killed). */
function race<T>(gen: Generation, fn: () => Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const unsubscribe = gen.onDeath(reject);
    const timer = setTimeout(() => {
      const err = new WorkerFailure(`${what} timed out after ${ms} ms`);
      reject(err);
      gen.kill(err);
    }, ms);
    const done = () => (clearTimeout(timer), unsubscribe());
    Promise.resolve().then(fn).then(
      (v) => (done(), resolve(v)),
      (e) => (done(), reject(e)),
    );
  });
}

function mergeInit(prev: InitOptions | undefined, next: InitOptions | undefined): InitOptions {
  return {
    ...prev,
    ...next,
    models: { ...prev?.models, ...next?.models },
    wasm: { ...prev?.wasm, ...next?.wasm },
  };
}

/** A browser Web Worker as a WorkerLike, e.g. `fromWebWorker(new Worker(url, { type: 'module' }))`. */
export function fromWebWorker(worker: Worker): WorkerLike {
  return {
    endpoint: worker,
    onFailure(cb) {
      worker.addEventListener('error', (e) => {
        e.preventDefault();
        cb(new Error(e.message || 'the worker script failed to load or threw'));
      });
      worker.addEventListener('messageerror', () => cb(new Error('a message could not be deserialized')));
    },
    terminate: () => worker.terminate(),
  };
}
