/** What the page panel and the popup say about a result: a headline, and why we doubt it when we do. Pure (unit-tested). */
import type { ModelId } from '../../worker/api.ts';
import { fmt, pct } from './format.ts';
import { MODEL_NAMES } from './labels.ts';

/** Below this top probability a model's answer is flagged: MNIST models are usually > 0.9 on real digits. */
export const LOW_CONFIDENCE = 0.6;

export interface Verdict {
  confident: boolean;
  headline: string;
  /** Each reason for doubt, naming the model(s). */
  doubts: string[];
}

/** What a verdict needs of a model's answer (the panel's message and the worker's result both have it). */
export interface Answer {
  id: ModelId;
  digit: number;
  probs: ArrayLike<number>;
  /** Distance from the digits the model was trained on, when its files have a typicality fit (worker analyze). */
  typicality?: { distance: number; threshold: number; typical: boolean } | null;
}

/** One line for every model's typicality ("MLP 5.2 · CNN 7.0, digits are within 11.8 / 15.7"), or '' without. */
export function typicalityLine(models: readonly Answer[]): string {
  const ts = models.filter((m) => m.typicality);
  if (!ts.length) return '';
  const each = ts.map((m) => `${MODEL_NAMES[m.id]} ${fmt(m.typicality!.distance, 1)}${m.typicality!.typical ? '' : ' (unlike any digit)'}`).join(' · ');
  return `Distance from the digits it knows: ${each}; 99 % of real digits are within ${ts.map((m) => fmt(m.typicality!.threshold, 1)).join(' / ')}.`;
}

export const confidence = (m: Answer): number => m.probs[m.digit];

const article = (digit: number) => (digit === 8 ? 'an' : 'a');

export function assess(models: readonly Answer[]): Verdict {
  const doubts: string[] = [];
  for (const m of models) {
    if (confidence(m) < LOW_CONFIDENCE) {
      doubts.push(`The ${MODEL_NAMES[m.id]} is only ${pct(confidence(m))} sure it is ${article(m.digit)} ${m.digit}.`);
    }
  }
  const strange = models.filter((m) => m.typicality && !m.typicality.typical);
  for (const m of strange) {
    const t = m.typicality!;
    doubts.push(`The ${MODEL_NAMES[m.id]} has seen nothing like it: it lies ${fmt(t.distance, 1)} from the digits it knows, where 99 % of real digits are within ${fmt(t.threshold, 1)}.`);
  }
  const digits = new Set(models.map((m) => m.digit));
  if (digits.size > 1) {
    const says = models.map((m) => `the ${MODEL_NAMES[m.id]} reads ${article(m.digit)} ${m.digit}`).join(', ');
    doubts.unshift(`The models disagree: ${says}.`);
  }
  if (strange.length > 0) return { confident: false, headline: "This doesn't look like any digit I know", doubts };
  if (doubts.length > 0) return { confident: false, headline: "This doesn't look much like a digit", doubts };
  const [m] = models;
  const who = models.length > 1 ? 'Both models read' : `The ${MODEL_NAMES[m.id]} reads`;
  return { confident: true, headline: `${who} ${article(m.digit)} ${m.digit}.`, doubts };
}
