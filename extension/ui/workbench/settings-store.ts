/**
 * The settings of a page (popup, explorer, options), kept in step with storage: read once, every change saved and
 * announced to the page's listeners (theme, pad, analysis options).
 */
import { KEYS, loadSettings, migrate, openStore, type KeyValue, type Settings } from '../../shared/settings.ts';

export class SettingsStore {
  private current: Settings = migrate(undefined);
  private readonly listeners = new Set<(s: Settings) => void>();

  private constructor(readonly kv: KeyValue) {}

  static async open(kv?: KeyValue): Promise<SettingsStore> {
    const store = new SettingsStore(kv ?? (await openStore()));
    store.current = await loadSettings(store.kv);
    return store;
  }

  get value(): Settings {
    return this.current;
  }

  /** Merges `patch`, saves (a storage failure keeps the change for this page), tells the listeners. */
  async update(patch: Partial<Settings>): Promise<void> {
    this.current = migrate({ ...this.current, ...patch });
    await this.kv.set(KEYS.settings, this.current).catch(() => undefined);
    for (const fn of this.listeners) fn(this.current);
  }

  onChange(fn: (s: Settings) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
}
