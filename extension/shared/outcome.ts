/** The worker's AnalyzeResult, made JSON-safe for the panel (typed arrays → number arrays, errors → messages). */
import type { AnalyzeResult } from '../../worker/api.ts';
import type { AnalyzeOutcome, PanelError } from '../messages.ts';
import { errorText } from './errors.ts';

/** The worker's detail as a sentence: capitalised, with a full stop. */
const sentence = (s: string) => (s ? s[0].toUpperCase() + s.slice(1) + (/[.!?]$/.test(s) ? '' : '.') : s);

const BLANK = 'The image looks blank: there are no strokes in it to read.';

export function toOutcome(r: AnalyzeResult): AnalyzeOutcome {
  if (!r.ok) {
    const message = r.reason === 'blank' ? BLANK : sentence(r.message) || 'This image cannot be analysed.';
    return { ok: false, error: { kind: r.reason, message } };
  }
  return {
    ok: true,
    result: {
      input: Array.from(r.input),
      models: r.models.map((m) => ({
        id: m.id,
        digit: m.digit,
        probs: Array.from(m.probs),
        saliency: m.saliency ? Array.from(m.saliency.map) : null,
        typicality: m.typicality ?? null,
      })),
      saliencyMethod: r.models[0]?.saliency?.method ?? null,
      engine: r.engine,
      ms: r.ms,
    },
  };
}

export const errorOutcome = (kind: PanelError['kind'], message: string, origin?: string): AnalyzeOutcome => ({
  ok: false,
  error: origin ? { kind, message, origin } : { kind, message },
});

/** A message for anything thrown: Error messages as they are, everything else stringified. */
/** Anything thrown, as text for a message (the one `errorText`, under the name the background uses). */
export const describe = errorText;
