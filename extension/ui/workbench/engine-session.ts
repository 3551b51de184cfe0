/**
 * The page's engine: one worker-client session, started on the chosen engine, switched or retried on demand, its
 * state (starting / ready / failed) announced to whoever shows it.
 */
import type { EngineChoice, SeeingDigitsApi } from '../../../worker/api.ts';
import type { SeeingDigitsClient } from '../../../worker/client.ts';
import { createInPageService } from '../../../worker/in-page.ts';
import { spawnClient, startSession, type Session } from '../../shared/session.ts';

export type EngineState = { state: 'starting' } | { state: 'ready'; session: Session } | { state: 'failed'; error: unknown };

export class EngineSession {
  private client: SeeingDigitsClient | null = null;
  private starting: Promise<Session> | null = null;
  private readonly listeners = new Set<(s: EngineState) => void>();
  /** The running session, null while starting or after a failure. */
  current: Session | null = null;
  /** The in-page replica of the current session's engine (see inPage), once started for it. */
  private replica: { session: Session; api: SeeingDigitsApi | null } | null = null;

  /** `replicate`: keep an in-page replica of the engine for inPage() (the explorer). */
  constructor(private choice: () => EngineChoice, private readonly replicate = false) {}

  /**
   * The engine in this page itself, for an analysis that must be on screen in the frame after a click; null
   * until it runs (the first call starts it, in the background), and always null for a TF.js engine (megabytes of
   * script in the page) or a page that did not ask for one.
   *
   * Why not the worker: Chromium defers every message from a worker that arrives after a click until the frame
   * after the click has been painted (its scheduler's "defer tasks after input"). Measured on the explorer's
   * ablation click: the worker's 2 ms answer waited ~8 ms for that frame, so the new predictions always came one
   * frame late (click → next frame 32 ms median). The replica runs the same service (worker/in-page.ts) with the
   * same models on the same engine kind, so its answers equal the worker's.
   */
  inPage(): SeeingDigitsApi | null {
    const session = this.current;
    if (!this.replicate || session?.info.kind !== 'simd') return null;
    if (this.replica?.session !== session) {
      const replica: { session: Session; api: SeeingDigitsApi | null } = { session, api: null };
      this.replica = replica;
      const api = createInPageService();
      api.init({ ...session.init, engine: session.info.kind }).then(
        (info) => {
          // The same engine or none: a replica on another engine could answer differently.
          if (info.kind === session.info.kind) replica.api = api;
        },
        () => undefined, // the worker keeps answering
      );
    }
    return this.replica.api;
  }

  onChange(fn: (s: EngineState) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** The worker API once the engine runs (starts it if it is not starting yet). */
  api(): Promise<SeeingDigitsApi> {
    return (this.starting ?? this.start()).then((s) => s.client);
  }

  start(): Promise<Session> {
    this.client ??= spawnClient();
    this.current = null;
    this.emit({ state: 'starting' });
    const p = startSession(this.client, this.choice());
    this.starting = p;
    p.then(
      (session) => {
        if (this.starting !== p) return; // superseded by a switch or a retry
        this.current = session;
        this.emit({ state: 'ready', session });
      },
      (error: unknown) => {
        if (this.starting !== p) return;
        this.starting = null;
        this.emit({ state: 'failed', error });
      },
    );
    return p;
  }

  /** Re-inits the worker on the (newly chosen) engine. */
  switch(): Promise<Session> {
    this.starting = null;
    return this.start();
  }

  /** A fresh worker after a failure. */
  retry(): Promise<Session> {
    this.client?.close();
    this.starting = null;
    return this.start();
  }

  private emit(s: EngineState): void {
    for (const fn of this.listeners) fn(s);
  }
}
