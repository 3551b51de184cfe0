// Entry point of the engine's WebAssembly module: every kernel file re-exported.
// The TypeScript mirror of these exports is src/wasm/abi.ts.
export * from './dense';
export * from './conv2d';
export * from './maxpool';
export * from './pool';
export * from './pad';
export * from './activations';
export * from './loss';
export * from './optim';

export function heapBase(): usize {
  return __heap_base;
}
