/**
 * A network a user builds and how to train it (the explorer's Train view, the worker's trainStart): plain data,
 * checked here once — by the view as the user types, and by the worker before anything runs — with messages that
 * say which setting is impossible and why.
 */
import { cnnSpec, HIDDEN_ACTIVATIONS, mlpSpec, type HiddenActivation } from './architectures.ts';
import { paramShapes } from '../model/shapes.ts';
import type { ModelSpec } from '../model/spec.ts';
import type { OptimizerName } from './optimizer.ts';
import { isObj } from '../util/guards.ts';

export type TrainArch =
  /** Hidden Dense layers, e.g. [128, 64] (the notebook's MLP), all with one activation. */
  | { kind: 'mlp'; hidden: number[]; activation: HiddenActivation }
  /** 3×3 conv + 2×2 max-pool blocks with these channels, then a relu Dense head of `dense` units (0: none; default 128). */
  | { kind: 'cnn'; channels: number[]; dense?: number };

export interface TrainConfig {
  arch: TrainArch;
  optimizer: OptimizerName;
  lr: number;
  batch: number;
  epochs: number;
  augment: boolean;
  seed: number;
  /** Train and test on only the first digits of each split (quick runs, tests); default all. */
  limit?: { train?: number; test?: number };
}

/** The MNIST splits' sizes. */
export const MNIST_COUNTS = { train: 60_000, test: 10_000 } as const;

/** Bounds that keep a run possible on one worker (memory, time) and the pictures legible. */
export const TRAIN_LIMITS = {
  hiddenLayers: 4,
  units: 4096,
  convBlocks: 3,
  channels: 128,
  dense: 4096,
  /** Parameters: the network, its gradients, packed copy and two optimiser moments stay far under the engine's 512 MiB. */
  params: 8_000_000,
  epochs: 200,
  batch: 1024,
} as const;

/**
 * What the Train view starts with: the notebook's MLP, Adam, batch 64, one epoch. The learning rate was chosen on
 * the validation split (never the test set) for that one epoch with its cosine decay: 1e-3 → 95.4–95.6 %,
 * 2e-3 → 96.3–96.6 %, 3e-3 → 96.9 %, 5e-3 → 97.2 % (seeds 1, 2); 3e-3 keeps a margin from where Adam on tanh
 * units starts to overshoot with other widths.
 */
export const DEFAULT_TRAIN_CONFIG: TrainConfig = {
  arch: { kind: 'mlp', hidden: [128, 64], activation: 'tanh' },
  optimizer: 'adam',
  lr: 3e-3,
  batch: 64,
  epochs: 1,
  augment: false,
  seed: 1,
};

/** Training digits held out to validate on: MNIST's usual 5 000 of 60 000 (a twelfth of a smaller set). */
export function validationCount(trainCount: number): number {
  return Math.min(5000, Math.floor(trainCount / 12));
}

/** The model a config builds. */
export function configSpec(arch: TrainArch): ModelSpec {
  return arch.kind === 'mlp' ? mlpSpec(arch.hidden, arch.activation) : cnnSpec(arch.channels, arch.dense ?? 128);
}

/** Parameters of a spec, from its shapes (nothing allocated). */
export function specParams(spec: ModelSpec): number {
  let n = 0;
  for (const s of paramShapes(spec).values()) n += s.kernel.reduce((a, b) => a * b, 1) + (s.bias?.[0] ?? 0);
  return n;
}

export class TrainConfigError extends Error {
  override name = 'TrainConfigError';
}

const show = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : Number.isNaN(v) ? 'NaN' : String(v));
const whole = (v: unknown, lo: number, hi: number) => Number.isInteger(v) && (v as number) >= lo && (v as number) <= hi;

/**
 * Checks a config (from anywhere: the view, a message) and returns it with the model it builds and its parameter
 * count, or throws a TrainConfigError naming the first impossible setting. `counts`: the digits available.
 */
export function checkTrainConfig(
  raw: unknown,
  counts: { train: number; test: number } = MNIST_COUNTS,
): { config: TrainConfig; spec: ModelSpec; params: number; trainCount: number; testCount: number } {
  const fail = (msg: string): never => {
    throw new TrainConfigError(msg);
  };
  if (!isObj(raw)) fail('the training settings must be an object { arch, optimizer, lr, batch, epochs, augment, seed }');
  const c = raw as Record<string, unknown>;
  const arch = c.arch;
  if (!isObj(arch) || (arch.kind !== 'mlp' && arch.kind !== 'cnn')) fail('the network must be an MLP { kind: "mlp", hidden, activation } or a CNN { kind: "cnn", channels, dense? }');
  const a = arch as Record<string, unknown>;
  if (a.kind === 'mlp') {
    const { hidden, activation } = a;
    if (!Array.isArray(hidden) || hidden.length > TRAIN_LIMITS.hiddenLayers) {
      fail(`the MLP needs a list of 0 to ${TRAIN_LIMITS.hiddenLayers} hidden layer sizes, like 128,64`);
    }
    (hidden as unknown[]).forEach((u, i) => {
      if (!whole(u, 1, TRAIN_LIMITS.units)) fail(`hidden layer ${i + 1} has ${show(u)} units; each needs 1 to ${TRAIN_LIMITS.units}`);
    });
    if (!(HIDDEN_ACTIVATIONS as readonly unknown[]).includes(activation)) fail(`the activation must be ${HIDDEN_ACTIVATIONS.join(', ')}, not ${show(activation)}`);
  } else {
    const { channels, dense } = a;
    if (!Array.isArray(channels) || channels.length < 1 || channels.length > TRAIN_LIMITS.convBlocks) {
      fail(`the CNN needs 1 to ${TRAIN_LIMITS.convBlocks} conv blocks (each halves the 28×28 image), like 16,32`);
    }
    (channels as unknown[]).forEach((u, i) => {
      if (!whole(u, 1, TRAIN_LIMITS.channels)) fail(`conv block ${i + 1} has ${show(u)} channels; each needs 1 to ${TRAIN_LIMITS.channels}`);
    });
    if (dense !== undefined && !whole(dense, 0, TRAIN_LIMITS.dense)) fail(`the dense layer has ${show(dense)} units; it needs 0 (none) to ${TRAIN_LIMITS.dense}`);
  }
  if (c.optimizer !== 'adam' && c.optimizer !== 'sgd') fail(`the optimizer must be adam or sgd, not ${show(c.optimizer)}`);
  if (!(typeof c.lr === 'number' && Number.isFinite(c.lr) && c.lr > 0 && c.lr <= 10)) {
    fail(`the learning rate must be a number above 0 and at most 10, not ${show(c.lr)}`);
  }
  if (!whole(c.epochs, 1, TRAIN_LIMITS.epochs)) fail(`epochs must be a whole number from 1 to ${TRAIN_LIMITS.epochs}, not ${show(c.epochs)}`);
  if (typeof c.augment !== 'boolean') fail('augment must be true or false');
  if (!whole(c.seed, 0, 2 ** 31 - 1)) fail(`the seed must be a whole number from 0 to ${2 ** 31 - 1}, not ${show(c.seed)}`);
  const limit = c.limit;
  if (limit !== undefined && !isObj(limit)) fail('limit must be { train?, test? }');
  const lim = (limit ?? {}) as Record<string, unknown>;
  for (const k of ['train', 'test'] as const) {
    if (lim[k] !== undefined && !whole(lim[k], 1, counts[k])) fail(`limit.${k} must be a whole number from 1 to ${counts[k]}, not ${show(lim[k])}`);
  }
  const trainAll = (lim.train as number | undefined) ?? counts.train;
  const trainCount = trainAll - validationCount(trainAll);
  const testCount = (lim.test as number | undefined) ?? counts.test;
  if (!whole(c.batch, 1, Math.min(TRAIN_LIMITS.batch, trainCount))) {
    fail(`the batch size must be a whole number from 1 to ${Math.min(TRAIN_LIMITS.batch, trainCount)} (${trainCount} training digits), not ${show(c.batch)}`);
  }
  const config = raw as unknown as TrainConfig;
  const spec = configSpec(config.arch);
  const params = specParams(spec);
  if (params > TRAIN_LIMITS.params) {
    fail(`this network has ${params.toLocaleString('en-US')} parameters, too many to train here (at most ${TRAIN_LIMITS.params.toLocaleString('en-US')}): use fewer units or channels`);
  }
  return { config, spec, params, trainCount, testCount };
}
