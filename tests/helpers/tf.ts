// TensorFlow.js on its cpu backend: the reference every kernel is checked against.
import * as tf from '@tensorflow/tfjs';

let ready: Promise<typeof tf> | undefined;

export function tfCpu(): Promise<typeof tf> {
  ready ??= (async () => {
    await tf.setBackend('cpu');
    await tf.ready();
    return tf;
  })();
  return ready;
}
