// Central differences, the reference for gradients that TensorFlow.js cannot give (or to check it independently).

/** Central differences in float64 of `loss` with respect to every element of `at` (step h). */
export function numericGrad(at: ArrayLike<number>, loss: (a: Float64Array) => number, h: number): Float64Array {
  const a = Float64Array.from(at), g = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    a[i] = v + h;
    const lp = loss(a);
    a[i] = v - h;
    const lm = loss(a);
    a[i] = v;
    g[i] = (lp - lm) / (2 * h);
  }
  return g;
}

/** (f(x + h·eᵢ) − f(x − h·eᵢ)) / 2h for an f computed elsewhere (an engine): x itself is left as it is. */
export async function centralDiff(f: (x: Float32Array) => Promise<number>, x: Float32Array, i: number, h: number): Promise<number> {
  const up = x.slice(), down = x.slice();
  up[i] += h;
  down[i] -= h;
  return ((await f(up)) - (await f(down))) / (2 * h);
}
