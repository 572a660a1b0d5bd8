// A user's own module Web Worker that imports the plain bundle: the WASM loads here as well.
import { convolve2d, init, kernels } from './conv2d-wasm.js';

self.onmessage = async ({ data: image }) => {
  try {
    await init();
    const out = convolve2d(image, kernels.laplacian, { padding: 'same', border: 'reflect' });
    self.postMessage({ ok: true, out }, [out.data.buffer]);
  } catch (error) {
    self.postMessage({ ok: false, message: String(error && error.message) });
  }
};
