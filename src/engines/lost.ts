/**
 * An engine whose device went away: TensorFlow.js's webgl backend after its WebGL context was lost (the GPU was
 * reset, the driver crashed, or the browser reclaimed the context). Its models and any answer in flight are gone
 * and it will not work again; the caller picks an engine anew (worker/service.ts does, keeping the models).
 */
export class EngineLostError extends Error {
  override name = 'EngineLostError';
}
