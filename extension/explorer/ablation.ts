/**
 * The set of units switched off in the explorer, per model and layer, and the interventions it stands for
 * (`{ at: 'hidden1.out', units, mode }`, `{ at: 'conv2.out', channels, mode }`): plain data the workbench passes to
 * every analysis, so predictions, activations, saliency and the PCA marker are all of the ablated models.
 * Layer names are unique across the two shipped models' hidden layers, so a unit is named `LAYER:INDEX`.
 */
import type { Intervention, InterventionMode, ModelId } from '../../worker/api.ts';

export type AblationMode = Extract<InterventionMode, 'zero' | 'mean'>;

export interface AblatableLayer {
  model: ModelId;
  name: string;
  kind: 'Dense' | 'Conv2D';
  units: number;
}

export class Ablation {
  mode: AblationMode = 'zero';
  /** `${model}/${layer}` → unit indices, in the order they were switched off. */
  private readonly off = new Map<string, { model: ModelId; layer: string; kind: AblatableLayer['kind']; units: number[] }>();
  private readonly listeners = new Set<() => void>();

  onChange(fn: () => void): void {
    this.listeners.add(fn);
  }

  has(model: ModelId, layer: string, unit: number): boolean {
    return this.off.get(`${model}/${layer}`)?.units.includes(unit) ?? false;
  }

  toggle(l: Pick<AblatableLayer, 'model' | 'name' | 'kind'>, unit: number): void {
    const key = `${l.model}/${l.name}`;
    const entry = this.off.get(key) ?? { model: l.model, layer: l.name, kind: l.kind, units: [] };
    const at = entry.units.indexOf(unit);
    if (at >= 0) entry.units.splice(at, 1);
    else entry.units.push(unit);
    if (entry.units.length) this.off.set(key, entry);
    else this.off.delete(key);
    this.changed();
  }

  setMode(mode: AblationMode): void {
    this.mode = mode;
    this.changed();
  }

  reset(): void {
    this.off.clear();
    this.changed();
  }

  get size(): number {
    let n = 0;
    for (const e of this.off.values()) n += e.units.length;
    return n;
  }

  /** Every ablated unit, as `{ model, layer, unit }`. */
  list(): { model: ModelId; layer: string; unit: number }[] {
    return [...this.off.values()].flatMap((e) => e.units.map((unit) => ({ model: e.model, layer: e.layer, unit })));
  }

  /** The interventions per model (undefined when nothing is switched off). */
  hooks(): Partial<Record<ModelId, Intervention[]>> | undefined {
    if (this.off.size === 0) return undefined;
    const out: Partial<Record<ModelId, Intervention[]>> = {};
    for (const e of this.off.values()) {
      const units = [...e.units].sort((a, b) => a - b);
      const iv: Intervention = e.kind === 'Conv2D' ? { at: `${e.layer}.out`, channels: units, mode: this.mode } : { at: `${e.layer}.out`, units, mode: this.mode };
      (out[e.model] ??= []).push(iv);
    }
    return out;
  }

  private changed(): void {
    for (const fn of this.listeners) fn();
  }
}
