// A number's result on its way to the page panel: made JSON-safe (toOutcome) and validated on receipt.
import { describe, expect, it } from 'vitest';
import { parseMessage, type PanelResult } from '../../extension/messages.ts';
import { toOutcome } from '../../extension/shared/outcome.ts';
import type { AnalyzeResult, ModelResult } from '../../worker/api.ts';

const model = (id: 'mlp' | 'cnn', digit: number): ModelResult => {
  const probs = new Float32Array(10).fill(0.01);
  probs[digit] = 0.91;
  return { id, digit, probs, logits: new Float32Array(10) };
};

function analysis(number: string): Extract<AnalyzeResult, { ok: true }> {
  const digits = [...number].map((c, k) => ({
    box: { x: 10 + 30 * k, y: 5, width: 20, height: 40 },
    input: new Float32Array(784).fill(k / 10),
    models: [model('mlp', Number(c)), model('cnn', Number(c))],
  }));
  return {
    ok: true,
    input: digits[0].input,
    models: digits[0].models,
    engine: 'simd',
    ms: 2,
    digits,
    number: { byModel: { mlp: number, cnn: number }, agree: true },
  };
}

const send = (result: unknown) => parseMessage({ type: 'sd:panel-result', srcUrl: 'https://example.com/n.png', result });

describe('numbers for the panel', () => {
  it('toOutcome carries the number, each digit (box, input, models) and the image size; the message is accepted', () => {
    const out = toOutcome(analysis('1973'), { width: 140, height: 50 });
    if (!out.ok) throw new Error('not ok');
    const r = out.result;
    expect(r.number).toEqual({ byModel: { mlp: '1973', cnn: '1973' }, agree: true });
    expect(r.digits!.map((d) => d.box)).toEqual([[10, 5, 20, 40], [40, 5, 20, 40], [70, 5, 20, 40], [100, 5, 20, 40]]);
    expect(r.digits!.map((d) => d.models.map((m) => m.digit))).toEqual([[1, 1], [9, 9], [7, 7], [3, 3]]);
    expect(r.digits![2].input[0]).toBeCloseTo(0.2, 6);
    expect(r.imageSize).toEqual([140, 50]);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
    expect(send(r)).not.toBeNull();
    // One digit: no number fields, as before.
    const one = toOutcome({ ...analysis('7'), digits: undefined, number: undefined });
    expect(one.ok && [one.result.digits, one.result.number]).toEqual([undefined, undefined]);
  });

  it('malformed numbers are dropped: too many digits, a reading that is not digits, a bad box or size', () => {
    const good = (toOutcome(analysis('42')) as { result: PanelResult }).result;
    const many = (toOutcome(analysis('1234567890123')) as { result: PanelResult }).result;
    expect(send(many)).toBeNull();
    expect(send({ ...good, number: { byModel: { mlp: '4<b>' }, agree: true } })).toBeNull();
    expect(send({ ...good, number: { byModel: { rnn: '42' }, agree: true } })).toBeNull();
    expect(send({ ...good, digits: [{ ...good.digits![0], box: [1, 2, 3] }, good.digits![1]] })).toBeNull();
    expect(send({ ...good, digits: [good.digits![0]] })).toBeNull(); // a number has at least two digits
    expect(send({ ...good, imageSize: [0, 10] })).toBeNull();
    expect(send({ ...good, number: undefined })).toBeNull();
    expect(send(good)).not.toBeNull();
  });
});
