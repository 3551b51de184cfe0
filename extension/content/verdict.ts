/** What the panel says about a result: a headline, and why we doubt it when we do. Pure (unit-tested). */
import type { PanelModel } from '../messages.ts';
import { MODEL_NAMES } from '../ui/theme.ts';

/** Below this top probability a model's answer is flagged: MNIST models are usually > 0.9 on real digits. */
export const LOW_CONFIDENCE = 0.6;


export interface Verdict {
  confident: boolean;
  headline: string;
  /** Each reason for doubt, naming the model(s). */
  doubts: string[];
}

export const confidence = (m: PanelModel): number => m.probs[m.digit];

const article = (digit: number) => (digit === 8 ? 'an' : 'a');
/** A probability as people read it: never "100%" for a model that is merely very sure. */
export const pct = (p: number): string => (p >= 0.995 && p < 1 ? '>99%' : `${Math.round(p * 100)}%`);

export function assess(models: PanelModel[]): Verdict {
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
