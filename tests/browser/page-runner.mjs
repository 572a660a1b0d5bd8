// Runs the shared cases inside a page whose `window.lib` is the library (plain page, esbuild or
// Vite build) and returns each result's bytes as base64, to compare with Node bit for bit.
import { kernelOf, makeImage } from './cases.mjs';

/** In the page: evaluated with the sources of makeImage and kernelOf. */
async function inPage({ makeImageSource, kernelOfSource, cases, asynchronous }) {
  const makeImage = new Function(`return (${makeImageSource})`)();
  const kernelOf = new Function(`return (${kernelOfSource})`)();
  const lib = window.lib;
  const toBase64 = (f32) => {
    const bytes = new Uint8Array(f32.buffer, f32.byteOffset, f32.byteLength);
    let text = '';
    for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(text);
  };
  const results = [];
  for (const c of cases) {
    const image = makeImage(c.image);
    const kernel = kernelOf(c.kernel, lib.kernels);
    const out = asynchronous
      ? await lib.convolve2dAsync(image, kernel, { ...c.options, threads: c.threads })
      : lib.convolve2d(image, kernel, c.options);
    results.push({ width: out.width, height: out.height, channels: out.channels, type: out.data.constructor.name, data: toBase64(out.data) });
  }
  return results;
}

/** Runs `cases` in the page (convolve2d, or convolve2dAsync with each case's threads). */
export function runCasesInPage(page, cases, { asynchronous = false } = {}) {
  return page.evaluate(inPage, {
    makeImageSource: makeImage.toString(),
    kernelOfSource: kernelOf.toString(),
    cases,
    asynchronous,
  });
}
