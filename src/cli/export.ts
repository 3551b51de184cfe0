/** seeing-digits export: a model (shipped, model.json or .onnx) → an ONNX file or a TensorFlow.js model folder. */
import { writeFile } from 'node:fs/promises';
import type { ParseArgsOptionsConfig } from 'node:util';
import { saveModelToDir } from '../model/format-node.ts';
import { serializeOnnx } from '../model/onnx-write.ts';
import { command, MODEL_OPTION, needModel, UsageError, type Parsed } from './args.ts';
import { resolveModel } from './models.ts';

const options = { ...MODEL_OPTION, format: { type: 'string', default: 'onnx' }, out: { type: 'string' } } satisfies ParseArgsOptionsConfig;

export const exportCommand = command('  seeing-digits export --model mlp|cnn|PATH --format onnx|tfjs --out FILE|DIR', options, run);

async function run({ values }: Parsed<typeof options>): Promise<number> {
  const name = needModel(values.model, 'export');
  if (!values.out) throw new UsageError('export needs --out FILE (onnx) or --out DIR (tfjs)');
  if (values.format !== 'onnx' && values.format !== 'tfjs') throw new UsageError(`--format is onnx or tfjs, not "${values.format}"`);
  const { id, model } = await resolveModel(name);
  if (values.format === 'onnx') {
    await writeFile(values.out, serializeOnnx(model));
    const input = model.spec.inputShape.length === 3 ? `[N,${model.spec.inputShape[2]},${model.spec.inputShape.slice(0, 2)}]` : `[N,${model.spec.inputShape}]`;
    console.log(`${id} → ${values.out} (ONNX opset 13, input ${input} float32, pixels in [0, 1], ink bright on dark)`);
  } else {
    await saveModelToDir(values.out, model);
    console.log(`${id} → ${values.out}/model.json (TensorFlow.js Layers format; tf.loadLayersModel opens it)`);
  }
  return 0;
}
