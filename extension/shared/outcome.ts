/** The worker's AnalyzeResult, made JSON-safe for the panel (typed arrays → number arrays, errors → messages). */
import type { AnalyzeResult, ModelResult } from '../../worker/api.ts';
import type { AnalyzeOutcome, PanelError, PanelModel, PanelResult } from '../messages.ts';

/** The worker's detail as a sentence: capitalised, with a full stop. */
const sentence = (s: string) => (s ? s[0].toUpperCase() + s.slice(1) + (/[.!?]$/.test(s) ? '' : '.') : s);

const BLANK = 'The image looks blank: there are no strokes in it to read.';

/** `size`: the analysed image's, so the panel can cut each digit of a number out of the page's image. */
export function toOutcome(r: AnalyzeResult, size?: { width: number; height: number }): AnalyzeOutcome {
  if (!r.ok) {
    const message = r.reason === 'blank' ? BLANK : sentence(r.message) || 'This image cannot be analysed.';
    return { ok: false, error: { kind: r.reason, message } };
  }
  const models = (ms: ModelResult[]): PanelModel[] =>
    ms.map((m) => ({ id: m.id, digit: m.digit, probs: Array.from(m.probs), saliency: m.saliency ? Array.from(m.saliency.map) : null, typicality: m.typicality ?? null }));
  const result: PanelResult = {
    input: Array.from(r.input),
    models: models(r.models),
    saliencyMethod: r.models[0]?.saliency?.method ?? null,
    engine: r.engine,
    ms: r.ms,
  };
  if (r.digits && r.number) {
    result.number = r.number;
    result.digits = r.digits.map((d) => ({ box: [d.box.x, d.box.y, d.box.width, d.box.height], input: Array.from(d.input), models: models(d.models) }));
    if (size) result.imageSize = [size.width, size.height];
  }
  if (r.notice) result.notice = r.notice.slice(0, 300);
  return { ok: true, result };
}

export const errorOutcome = (kind: PanelError['kind'], message: string, origin?: string): AnalyzeOutcome => ({
  ok: false,
  error: origin ? { kind, message, origin } : { kind, message },
});

