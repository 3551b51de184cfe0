/** seeing-digits pca: PCA of any layer over MNIST test digits, drawn as a scatter coloured by true digit. */
import { writeFile } from 'node:fs/promises';
import type { ParseArgsOptionsConfig } from 'node:util';
import { loadMnist } from '../data/mnist-node.ts';
import { layerPca } from '../interpret/pca.ts';
import { representations } from '../interpret/layers.ts';
import { command, num, UsageError, type Parsed } from './args.ts';
import { openNetwork } from './network-node.ts';
import { CLASS_COLOURS, Raster } from './raster.ts';

const USE = 'pca --model mlp|cnn|PATH --layer LAYER [--points N] (--out pca.png | --json)';

const options = {
  model: { type: 'string' },
  layer: { type: 'string' },
  points: { type: 'string' },
  out: { type: 'string' },
  json: { type: 'boolean', default: false },
} satisfies ParseArgsOptionsConfig;

export const pcaCommand = command(
  `  seeing-digits ${USE}`,
  options,
  run,
);

async function run({ values }: Parsed<typeof options>): Promise<number> {
  const { id, net } = await openNetwork(values.model, 'pca');
  const layers = representations(net).map((r) => r.name);
  if (!values.layer) throw new UsageError(`pca needs --layer, one of ${layers.join(', ')} (usage: ${USE})`);
  if (!layers.includes(values.layer)) throw new UsageError(`${id} has no layer "${values.layer}"; its layers: ${layers.join(', ')}`);
  if (!values.out && !values.json) throw new UsageError(`pca needs --out FILE.png or --json (usage: ${USE})`);
  const test = loadMnist('test');
  const count = num(values.points, 'points', test.count, { int: true, min: 3 });
  if (count > test.count) throw new UsageError(`--points is at most ${test.count}`);
  const p = layerPca(net, test.images, values.layer, { count });
  if (values.out) await writeFile(values.out, legend(scatter(p.points, test.labels), test.images, test.labels).png());
  const r4 = (v: number) => Math.round(v * 1e4) / 1e4;
  if (values.json) {
    console.log(JSON.stringify({
      model: id, layer: p.layer, dim: p.dim, count, method: p.method,
      explained: p.explained, eigenvalues: p.eigenvalues, totalVariance: p.totalVariance,
      points: Array.from({ length: count }, (_, i) => ({ x: r4(p.points[2 * i]), y: r4(p.points[2 * i + 1]), label: test.labels[i], pred: p.predictions[i] })),
    }));
  } else {
    console.log(`${id} ${p.layer} (${p.dim} values, ${count} test digits, ${p.method}): explained variance ` +
      p.explained.map((e, i) => `PC${i + 1} ${(e * 100).toFixed(1)} %`).join(', '));
    console.log(`wrote ${values.out}`);
  }
  return 0;
}

/** 2-D points (n × 2) on an 800×800 white canvas, one colour per label. */
export function scatter(points: Float32Array, labels: Uint8Array, size = 800): Raster {
  const r = new Raster(size, size);
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (let i = 0; i < points.length; i += 2) {
    x0 = Math.min(x0, points[i]); x1 = Math.max(x1, points[i]);
    y0 = Math.min(y0, points[i + 1]); y1 = Math.max(y1, points[i + 1]);
  }
  const m = 16, span = Math.max(x1 - x0, y1 - y0) || 1;
  for (let i = 0; i < points.length / 2; i++) {
    const x = m + ((points[2 * i] - x0) / span) * (size - 2 * m);
    const y = size - m - ((points[2 * i + 1] - y0) / span) * (size - 2 * m);
    r.dot(x, y, 2, CLASS_COLOURS[labels[i] % 10], 0.6);
  }
  return r;
}

/** The legend: the first test digit of each class drawn in its colour, down the right edge. */
export function legend(r: Raster, images: Float32Array, labels: Uint8Array): Raster {
  for (let d = 0; d < 10; d++) {
    const i = labels.indexOf(d);
    if (i < 0) continue;
    const [cr, cg, cb] = CLASS_COLOURS[d];
    r.image(images.subarray(i * 784, i * 784 + 784), 28, 28, r.width - 32, 4 + d * 30, 1, (v) => [255 - v * (255 - cr), 255 - v * (255 - cg), 255 - v * (255 - cb)]);
  }
  return r;
}
