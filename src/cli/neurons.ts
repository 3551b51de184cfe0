/** seeing-digits neurons: every first-layer unit's incoming weights as an image (Dense: 28×28; Conv2D: its filters). */
import { writeFile } from 'node:fs/promises';
import type { ParseArgsOptionsConfig } from 'node:util';
import type { Network } from '../model/network.ts';
import { command, UsageError, type Parsed } from './args.ts';
import { openNetwork } from './network-node.ts';
import { diverging, Raster } from './raster.ts';

const USE = 'neurons --model mlp|cnn|PATH --layer LAYER --out grid.png';

const options = { model: { type: 'string' }, layer: { type: 'string' }, out: { type: 'string' } } satisfies ParseArgsOptionsConfig;

export const neuronsCommand = command(
  `  seeing-digits ${USE}`,
  options,
  run,
);

async function run({ values }: Parsed<typeof options>): Promise<number> {
  const { id, net } = await openNetwork(values.model, 'neurons');
  if (!values.layer || !values.out) throw new UsageError(`usage: ${USE}`);
  const r = weightGrid(net, values.layer);
  await writeFile(values.out, r.raster.png());
  console.log(`${id} ${values.layer}: ${r.units} units (${r.what}) → ${values.out}`);
  return 0;
}

/**
 * The grid: a Dense layer on the flattened image gives one 28×28 weight image per unit; a Conv2D layer one row per
 * filter, one kh×kw tile per input channel. Colours: blue negative, red positive, each unit scaled to its largest |w|.
 */
export function weightGrid(net: Network, layer: string): { raster: Raster; units: number; what: string } {
  const i = net.steps.findIndex((s) => s.spec.name === layer);
  const step = net.steps[i];
  const named = net.steps.filter((s) => s.spec.kind === 'Dense' || s.spec.kind === 'Conv2D').map((s) => s.spec.name);
  if (!step || !step.param) throw new UsageError(`${net.spec.name} has no Dense or Conv2D layer "${layer}"; those it has: ${named.join(', ')}`);
  const w = net.arena.f32(step.param.kernel, step.param.kernelLen).slice();
  const pad = 2;
  if (step.spec.kind === 'Dense') {
    const [h, wd, c] = net.spec.inputShape;
    const units = step.spec.units;
    if (step.x !== net.steps[0].a || net.steps[0].spec.kind !== 'Flatten' || c !== 1 || step.x.size !== h * wd) {
      throw new UsageError(`${layer}'s inputs are not the image's pixels: only the first Dense layer's weights are images`);
    }
    const cols = Math.ceil(Math.sqrt(units));
    const scale = 3, tile = wd * scale + pad;
    const raster = new Raster(cols * tile + pad, Math.ceil(units / cols) * (h * scale + pad) + pad, [40, 40, 40]);
    for (let u = 0; u < units; u++) {
      const img = Float32Array.from({ length: h * wd }, (_, p) => w[p * units + u]);
      const max = img.reduce((m, v) => Math.max(m, Math.abs(v)), 1e-12);
      raster.image(img, wd, h, pad + (u % cols) * tile, pad + Math.floor(u / cols) * (h * scale + pad), scale, (v) => diverging(v / max));
    }
    return { raster, units, what: `${h}×${wd} weight images` };
  }
  if (step.spec.kind !== 'Conv2D') throw new UsageError(`${layer} is not a Dense or Conv2D layer`);
  const [kh, kw] = step.spec.kernelSize;
  const co = step.spec.filters, ci = step.x.shape[2];
  const scale = 8, tile = kw * scale + pad;
  const raster = new Raster(ci * tile + pad, co * (kh * scale + pad) + pad, [40, 40, 40]);
  for (let f = 0; f < co; f++) {
    let max = 1e-12;
    for (let p = f; p < w.length; p += co) max = Math.max(max, Math.abs(w[p]));
    for (let c = 0; c < ci; c++) {
      const img = Float32Array.from({ length: kh * kw }, (_, p) => w[(p * ci + c) * co + f]);
      raster.image(img, kw, kh, pad + c * tile, pad + f * (kh * scale + pad), scale, (v) => diverging(v / max));
    }
  }
  return { raster, units: co, what: `${co} filters × ${ci} input channel${ci > 1 ? 's' : ''} of ${kh}×${kw}` };
}
