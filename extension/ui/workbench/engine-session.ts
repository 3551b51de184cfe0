/**
 * The page's engine: one worker-client session, started on the chosen engine, switched or retried on demand, its
 * state (starting / ready / failed) announced to whoever shows it.
 */
import type { EngineChoice, SeeingDigitsApi } from '../../../worker/api.ts';
import type { SeeingDigitsClient } from '../../../worker/client.ts';
import { spawnClient, startSession, type Session } from '../../shared/session.ts';

export type EngineState = { state: 'starting' } | { state: 'ready'; session: Session } | { state: 'failed'; error: unknown };

export class EngineSession {
  private client: SeeingDigitsClient | null = null;
  private starting: Promise<Session> | null = null;
  private readonly listeners = new Set<(s: EngineState) => void>();
  /** The running session, null while starting or after a failure. */
  current: Session | null = null;

  constructor(private choice: () => EngineChoice) {}

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
