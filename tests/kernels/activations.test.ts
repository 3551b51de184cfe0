// Activation kernels against TensorFlow.js (cpu backend) and, for the SIMD approximations of tanh and sigmoid,
// against float64 Math on a dense grid. Lengths cover the scalar tail (not a multiple of 4) and lengths < 4.
import { describe, expect, it } from 'vitest';
import { maxRelDiff, randomArray } from '../helpers/random.ts';
import type { EngineExports } from '../../src/wasm/abi.ts';
import { checkOp, k, numericGrad, tf, useKernels, type OpTest, type Tensor, type TF as Tf } from './harness.ts';

useKernels();

const TOL = 1e-4;
const LENGTHS = [1, 3, 4, 7, 64, 1003];
const SCALES = [1, 6, 60];
/** Values where approximations and branches break: zeros, the tanh small-x and clamp edges, huge, infinite. */
const SPECIAL = [0, -0, 1e-30, -1e-7, 3.9e-4, -4.1e-4, 0.5, -1, 7.9, -7.91, 8, 9, 16.6, -17, 50, -50, 88, -88, 89,
  -104, 1e4, -1e4, 3e38, -3e38, Infinity, -Infinity];

type Forward = (ex: EngineExports, x: number, y: number, n: number) => void;
type Backward = (ex: EngineExports, saved: number, dy: number, dx: number, n: number) => void;

interface Elementwise {
  name: string;
  forward: Forward;
  backward: Backward;
  /** The backward kernel takes the forward output (y) rather than the input (x). */
  fromOutput: boolean;
  tfFn: (tf: Tf, x: Tensor) => Tensor;
  /** float64 reference for the accuracy sweep. */
  exact?: (x: number) => number;
}

const LEAKY_ALPHA = 0.1;

const ELEMENTWISE: Elementwise[] = [
  {
    name: 'tanh',
    forward: (ex, x, y, n) => ex.tanhForward(x, y, n),
    backward: (ex, y, dy, dx, n) => ex.tanhBackward(y, dy, dx, n),
    fromOutput: true,
    tfFn: (tf, x) => tf.tanh(x),
    exact: Math.tanh,
  },
  {
    name: 'sigmoid',
    forward: (ex, x, y, n) => ex.sigmoidForward(x, y, n),
    backward: (ex, y, dy, dx, n) => ex.sigmoidBackward(y, dy, dx, n),
    fromOutput: true,
    tfFn: (tf, x) => tf.sigmoid(x),
    exact: (x) => 1 / (1 + Math.exp(-x)),
  },
  {
    name: 'relu',
    forward: (ex, x, y, n) => ex.reluForward(x, y, n),
    backward: (ex, x, dy, dx, n) => ex.reluBackward(x, dy, dx, n),
    fromOutput: false,
    tfFn: (tf, x) => tf.relu(x),
  },
  {
    name: 'elu',
    forward: (ex, x, y, n) => ex.eluForward(x, y, n),
    backward: (ex, y, dy, dx, n) => ex.eluBackward(y, dy, dx, n),
    fromOutput: true,
    tfFn: (tf, x) => tf.elu(x),
  },
  {
    name: 'leaky_relu',
    forward: (ex, x, y, n) => ex.leakyReluForward(x, y, n, LEAKY_ALPHA),
    backward: (ex, x, dy, dx, n) => ex.leakyReluBackward(x, dy, dx, n, LEAKY_ALPHA),
    fromOutput: false,
    tfFn: (tf, x) => tf.leakyRelu(x, LEAKY_ALPHA),
  },
];

/** Forward y = f(x) and backward dx = f'(·) ⊙ dy, ours and tfjs's (tf.grad). */
function elementwiseOp(f: Elementwise, xs: Float32Array, dys: Float32Array): OpTest {
  const n = xs.length;
  return {
    ours: (k) => {
      const { y, ys } = runForward(f, xs);
      const dx = k.fill(n);
      f.backward(k.ex, f.fromOutput ? y : k.put(xs), k.put(dys), dx, n);
      return { y: ys, dx: k.get(dx, n) };
    },
    reference: (tf) => ({
      y: f.tfFn(tf, tf.tensor1d(xs)),
      dx: tf.grad((x: Tensor) => f.tfFn(tf, x))(tf.tensor1d(xs), tf.tensor1d(dys)),
    }),
    tol: TOL,
  };
}

function runForward(f: Elementwise, xs: Float32Array) {
  const y = k.fill(xs.length);
  f.forward(k.ex, k.put(xs), y, xs.length);
  return { y, ys: k.get(y, xs.length) };
}

describe.each(ELEMENTWISE)('$name', (f) => {
  describe.each(SCALES)('inputs in ±%d', (scale) => {
    it.each(LENGTHS)(`${f.name} len=%d x in ±${scale} forward and backward match tfjs`, (n) =>
      void checkOp(elementwiseOp(f, randomArray(n, n * 7 + scale, scale), randomArray(n, n + 99, 2))));
  });

  it(`${f.name} special values (0, ±4e-4, ±8, ±50, ±1e4, ±3e38, ±∞) match tfjs`, () => {
    const xs = Float32Array.from(SPECIAL);
    const { ys } = runForward(f, xs);
    const ref = tf.tidy(() => f.tfFn(tf, tf.tensor1d(xs)).dataSync());
    // Equal values count as equal (relu(∞) = ∞); anything else by relative difference.
    expect(maxRelDiff(ys.map((v, i) => (v === ref[i] ? 0 : v)), ref.map((v, i) => (v === ys[i] ? 0 : v)))).toBeLessThan(TOL);
    expect(ys.some(Number.isNaN)).toBe(false);
  });

  it(`${f.name} NaN in → NaN out, neighbours unaffected (vector lanes and scalar tail)`, () => {
    const xs = Float32Array.from([1, NaN, -2, 0.5, 3, -1, NaN]); // NaN in a vector lane and in the tail
    const { ys } = runForward(f, xs);
    const ref = tf.tidy(() => f.tfFn(tf, tf.tensor1d(xs)).dataSync());
    expect(Number.isNaN(ys[1]) && Number.isNaN(ys[6])).toBe(true);
    expect(maxRelDiff(ys.filter((_, i) => i !== 1 && i !== 6), ref.filter((_, i) => i !== 1 && i !== 6))).toBeLessThan(TOL);
  });

  if (f.exact) {
    const exact = f.exact;
    it(`${f.name} is within 1e-6 of float64 Math on [-20, 20] (4·10⁵ points) and relatively within 1e-6 near 0`, () => {
      const n = 400_003;
      const xs = new Float32Array(n);
      for (let i = 0; i < n; i++) xs[i] = -20 + (40 * i) / (n - 1);
      const { ys } = runForward(f, xs);
      let abs = 0;
      for (let i = 0; i < n; i++) abs = Math.max(abs, Math.abs(ys[i] - exact(xs[i])));
      expect(abs).toBeLessThan(1e-6);

      const small = new Float32Array(4001);
      for (let i = 0; i < small.length; i++) small[i] = (i - 2000) * 1e-5; // includes the 4e-4 switch-over
      const s = runForward(f, small).ys;
      let rel = 0;
      for (let i = 0; i < small.length; i++) {
        const r = exact(small[i]);
        if (r !== 0) rel = Math.max(rel, Math.abs(s[i] - r) / Math.abs(r));
      }
      expect(rel).toBeLessThan(1e-6);
      expect(s[2000]).toBe(f.name === 'tanh' ? 0 : 0.5);
    });
  }
});

describe('relu at exactly 0', () => {
  it('forward 0, gradient 0 (x > 0 strict, as TensorFlow)', () => {
    const xs = Float32Array.from([0, -0, 1e-30, -1e-30, 0, 2]);
    const { ys } = runForward(ELEMENTWISE[2], xs);
    expect(Array.from(ys)).toEqual([0, -0, Math.fround(1e-30), 0, 0, 2]);
    const dx = k.fill(xs.length);
    k.ex.reluBackward(k.put(xs), k.put([5, 5, 5, 5, 5, 5]), dx, xs.length);
    expect(Array.from(k.get(dx, xs.length))).toEqual([0, 0, 5, 0, 0, 5]);
    const g = tf.tidy(() => tf.grad((x: Tensor) => tf.relu(x))(tf.tensor1d(xs), tf.fill([xs.length], 5)).dataSync());
    expect(Array.from(g)).toEqual([0, 0, 5, 0, 0, 5]);
  });
});

describe('softmax', () => {
  const SHAPES: [number, number][] = [[1, 10], [65, 10], [3, 1], [2, 3], [4, 7], [5, 33], [2, 128], [256, 10]];

  /** Row-wise softmax forward and its backward for upstream dy. */
  const softmaxOp = (rows: number, cols: number, xs: Float32Array, dys: Float32Array): OpTest => ({
    ours: (k) => {
      const y = k.fill(rows * cols), dx = k.fill(rows * cols);
      k.ex.softmaxForward(k.put(xs), y, rows, cols);
      const ys = k.get(y, rows * cols);
      k.ex.softmaxBackward(y, k.put(dys), dx, rows, cols);
      return { y: ys, dx: k.get(dx, rows * cols) };
    },
    reference: (tf) => ({
      y: tf.softmax(tf.tensor2d(xs, [rows, cols])),
      dx: tf.grad((x: Tensor) => tf.softmax(x))(tf.tensor2d(xs, [rows, cols]), tf.tensor2d(dys, [rows, cols])),
    }),
    tol: TOL,
  });

  it.each(SHAPES)('x=[%d,%d] forward and backward match tfjs', (rows, cols) => {
    for (const scale of [1, 30, 1e4]) {
      const xs = randomArray(rows * cols, rows * 31 + cols, scale);
      const ys = checkOp(softmaxOp(rows, cols, xs, randomArray(rows * cols, rows + cols, 1))).y as Float32Array;
      for (let r = 0; r < rows; r++) {
        const sum = ys.slice(r * cols, (r + 1) * cols).reduce((a, b) => a + b, 0);
        expect(Math.abs(sum - 1)).toBeLessThan(1e-5);
      }
    }
  });

  it('−∞ logits get probability 0; a NaN poisons only its own row', () => {
    const xs = Float32Array.from([0, -Infinity, 1, -Infinity, 2, 3, NaN, 0, 5, 5, 5, 5]);
    const y = k.fill(12);
    k.ex.softmaxForward(k.put(xs), y, 3, 4);
    const ys = k.get(y, 12);
    const e = [1, 0, Math.E, 0].map((v) => v / (1 + Math.E));
    expect(maxRelDiff(ys.slice(0, 4), e)).toBeLessThan(1e-6);
    expect(ys.slice(4, 8).every(Number.isNaN)).toBe(true);
    expect(Array.from(ys.slice(8))).toEqual([0.25, 0.25, 0.25, 0.25]);
  });

  it('finite differences of Σ dy ⊙ softmax(x) (float64) match softmaxBackward, x=[2,5]', () => {
    const [rows, cols] = [2, 5];
    const xs = randomArray(rows * cols, 5, 2), dys = randomArray(rows * cols, 6, 1);
    const y = k.alloc(rows * cols), dx = k.alloc(rows * cols);
    k.ex.softmaxForward(k.put(xs), y, rows, cols);
    k.ex.softmaxBackward(y, k.put(dys), dx, rows, cols);
    const loss = (x: Float64Array) => {
      let l = 0;
      for (let r = 0; r < rows; r++) {
        const row = x.subarray(r * cols, (r + 1) * cols);
        const m = Math.max(...row);
        const ex = Array.from(row, (v) => Math.exp(v - m));
        const s = ex.reduce((a, b) => a + b, 0);
        ex.forEach((v, j) => (l += (dys[r * cols + j] * v) / s));
      }
      return l;
    };
    expect(maxRelDiff(k.get(dx, rows * cols), numericGrad(xs, loss, 1e-4))).toBeLessThan(1e-5);
  });
});

describe('leaky relu', () => {
  it('slope alpha at exactly 0 and below, 1 above (tf and PyTorch); alpha is any number', () => {
    const xs = Float32Array.from([0, -0, 1e-30, -1e-30, -2, 2]);
    const dx = k.fill(xs.length), y = k.fill(xs.length);
    k.ex.leakyReluForward(k.put(xs), y, xs.length, 0.25);
    expect(Array.from(k.get(y, xs.length))).toEqual([0, -0, Math.fround(1e-30), Math.fround(-0.25e-30), -0.5, 2]);
    k.ex.leakyReluBackward(k.put(xs), k.put([4, 4, 4, 4, 4, 4]), dx, xs.length, 0.25);
    expect(Array.from(k.get(dx, xs.length))).toEqual([1, 1, 4, 1, 1, 4]);
  });

  it('backward matches central differences of Σ dy ⊙ leaky(x) (float64), x away from 0', () => {
    const xs = randomArray(37, 8, 3).map((v) => (Math.abs(v) < 0.05 ? v + 0.1 : v)), dys = randomArray(37, 9, 1);
    const dx = k.fill(37);
    k.ex.leakyReluBackward(k.put(xs), k.put(dys), dx, 37, LEAKY_ALPHA);
    const loss = (x: Float64Array) => x.reduce((acc, v, i) => acc + dys[i] * (v > 0 ? v : LEAKY_ALPHA * v), 0);
    expect(maxRelDiff(k.get(dx, 37), numericGrad(xs, loss, 1e-3))).toBeLessThan(1e-5);
  });
});

describe('elu', () => {
  it('backward matches central differences of Σ dy ⊙ elu(x) (float64), x away from 0', () => {
    const xs = randomArray(41, 18, 4).map((v) => (Math.abs(v) < 0.05 ? v + 0.1 : v)), dys = randomArray(41, 19, 1);
    const y = k.fill(41), dx = k.fill(41);
    k.ex.eluForward(k.put(xs), y, 41);
    k.ex.eluBackward(y, k.put(dys), dx, 41);
    const loss = (x: Float64Array) => x.reduce((acc, v, i) => acc + dys[i] * (v > 0 ? v : Math.expm1(v)), 0);
    expect(maxRelDiff(k.get(dx, 41), numericGrad(xs, loss, 1e-3))).toBeLessThan(1e-5);
  });

  it('within 2e-7 of float64 e^x − 1 on [−20, 0] (4·10⁵ points), −1 at −∞, slope 1 at 0', () => {
    const n = 400_001;
    const xs = Float32Array.from({ length: n }, (_, i) => (-20 * i) / (n - 1));
    const y = k.fill(n);
    k.ex.eluForward(k.put(xs), y, n);
    const ys = k.get(y, n);
    let abs = 0;
    for (let i = 0; i < n; i++) abs = Math.max(abs, Math.abs(ys[i] - Math.expm1(xs[i])));
    expect(abs).toBeLessThan(2e-7);
    const z = k.fill(3), d = k.fill(3);
    k.ex.eluForward(k.put([-Infinity, 0, 1]), z, 3);
    expect(Array.from(k.get(z, 3))).toEqual([-1, 0, 1]);
    k.ex.eluBackward(z, k.put([2, 2, 2]), d, 3);
    expect(Array.from(k.get(d, 3))).toEqual([0, 2, 2]);
  });
});
