/**
 * The kernel as the loops read it. Its own file because WebAssembly drivers (core/wasm) need it
 * and nothing else of the option checks, so a worker's bundle need not carry them.
 */

/**
 * K' as float32, row-major: the kernel rotated 180° for convolution, as given for correlation.
 * (A 1-D factor is oriented the same way: rot180 of u·vᵀ is reversed u times reversed v.)
 * @example
 * orientedKernel(Float64Array.of(1, 2, 3), false); // Float32Array [3, 2, 1]
 */
export function orientedKernel(data: Float64Array, correlation: boolean): Float32Array {
  const out = new Float32Array(data.length);
  const last = data.length - 1;
  for (let i = 0; i < data.length; i++) out[i] = data[correlation ? i : last - i];
  return out;
}
