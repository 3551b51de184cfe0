/** Small TensorFlow.js models with seeded weights, and their files in the Layers format, for tests. */
import type * as tfType from '@tensorflow/tfjs';
import { parseModel } from '../../src/model/format.ts';
import type { LoadedModel } from '../../src/model/spec.ts';

type TF = typeof tfType;

export function tfMlp(tf: TF, seed = 1, hidden = [32, 16]): tfType.Sequential {
  const init = () => tf.initializers.glorotUniform({ seed: seed++ });
  const binit = () => tf.initializers.randomUniform({ minval: -0.2, maxval: 0.2, seed: seed++ });
  return tf.sequential({
    name: 'mlp',
    layers: [
      tf.layers.flatten({ inputShape: [28, 28, 1], name: 'flatten' }),
      ...hidden.map((units, i) =>
        tf.layers.dense({ units, activation: 'tanh', name: `hidden${i + 1}`, kernelInitializer: init(), biasInitializer: binit() }),
      ),
      tf.layers.dense({ units: 10, activation: 'softmax', name: 'logits', kernelInitializer: init(), biasInitializer: binit() }),
    ],
  });
}

export function tfCnn(tf: TF, seed = 1, [c1, c2] = [4, 8]): tfType.Sequential {
  const init = () => tf.initializers.glorotUniform({ seed: seed++ });
  const binit = () => tf.initializers.randomUniform({ minval: -0.1, maxval: 0.1, seed: seed++ });
  const conv = (filters: number, name: string, extra = {}) =>
    tf.layers.conv2d({ filters, kernelSize: 3, padding: 'same', activation: 'relu', name, kernelInitializer: init(), biasInitializer: binit(), ...extra });
  return tf.sequential({
    name: 'cnn',
    layers: [
      conv(c1, 'conv1', { inputShape: [28, 28, 1] }),
      tf.layers.maxPooling2d({ poolSize: 2, strides: 2, name: 'pool1' }),
      conv(c2, 'conv2'),
      tf.layers.maxPooling2d({ poolSize: 2, strides: 2, name: 'pool2' }),
      tf.layers.flatten({ name: 'flatten' }),
      tf.layers.dense({ units: 10, name: 'logits', kernelInitializer: init(), biasInitializer: binit() }),
      tf.layers.activation({ activation: 'softmax', name: 'softmax' }),
    ],
  });
}

/** What TensorFlow.js would write to disk: model.json and its one shard. */
export async function tfFiles(tf: TF, model: tfType.LayersModel): Promise<{ modelJson: any; shards: ArrayBuffer[] }> {
  let saved: tfType.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      saved = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  const a = saved!;
  return {
    modelJson: {
      format: 'layers-model',
      generatedBy: 'TensorFlow.js tfjs-layers',
      convertedBy: null,
      modelTopology: a.modelTopology,
      weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: a.weightSpecs }],
    },
    shards: [a.weightData as ArrayBuffer],
  };
}

export async function loadedFromTf(tf: TF, model: tfType.LayersModel): Promise<LoadedModel> {
  const { modelJson, shards } = await tfFiles(tf, model);
  return parseModel(modelJson, shards);
}

/** Opens our files in TensorFlow.js, as tf.loadLayersModel would from disk. */
export function tfOpen(tf: TF, modelJson: any, weightData: ArrayBuffer): Promise<tfType.LayersModel> {
  return tf.loadLayersModel(
    tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs: modelJson.weightsManifest[0].weights, weightData }),
  );
}
