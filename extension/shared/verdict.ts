/** What the page panel and the popup say about a result: a headline, and why we doubt it when we do. Pure (unit-tested). */
import type { ModelId } from '../../worker/api.ts';
import { pct } from './format.ts';
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
  const digits = new Set(models.map((m) => m.digit));
  if (digits.size > 1) {
    const says = models.map((m) => `the ${MODEL_NAMES[m.id]} reads ${article(m.digit)} ${m.digit}`).join(', ');
    doubts.unshift(`The models disagree: ${says}.`);
  }
  if (doubts.length > 0) return { confident: false, headline: "This doesn't look much like a digit", doubts };
  const [m] = models;
  const who = models.length > 1 ? 'Both models read' : `The ${MODEL_NAMES[m.id]} reads`;
  return { confident: true, headline: `${who} ${article(m.digit)} ${m.digit}.`, doubts };
}
