// The browser payload: bytes shipped (JavaScript with the WASM embedded in it), raw and gzip -9.
//   node scripts/browser-size.mjs        prints a Markdown table (bench/RESULTS.md, "Browser payload")
// tests/browser-build.test.mjs imports measure() and holds every row under 40 KB gzip.
// Run `npm run build` first.
//
// What the rows count. The self-contained file is also its own Web Worker (one function run on
// the page and, from its text, in each worker), so it holds the core once. An app bundled from
// dist/browser/index.js carries the worker as a string (scripts/build-browser.mjs says why): a
// second copy of the core's convolution code, without the WASM, which the page's copy fills in
// at run time; its own row says what it costs alone.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = fileURLToPath(new URL('..', import.meta.url));
const gzip = (bytes) => gzipSync(bytes, { level: 9 }).length;

/** Bundles `code` (which imports the package's browser entry) the way an app would, minified. */
async function appBundle(code) {
  const result = await build({
    stdin: { contents: code, resolveDir: root, loader: 'js' },
    alias: { 'conv2d-wasm': './dist/browser/index.js' },
    bundle: true, format: 'esm', platform: 'browser', minify: true, write: false, logLevel: 'error',
  });
  return result.outputFiles[0].contents;
}

/** Each row: what, raw bytes, gzip bytes. */
export async function measure() {
  const wasm = readFileSync(`${root}build/module-browser.wasm`);
  const plain = readFileSync(`${root}dist/browser/conv2d-wasm.js`);
  const { workerSource } = await import(`${root}dist/browser/worker-source.generated.js`);
  const { MODULE_WASM } = await import(`${root}dist/core/wasm/module.generated.js`);
  const spliced = workerSource().split(JSON.stringify(MODULE_WASM));
  if (spliced.length !== 2) throw new Error('the worker text does not hold the WASM once');
  const worker = Buffer.from(spliced.join('""'));
  const everything = await appBundle("import * as lib from 'conv2d-wasm'; window.lib = lib;");
  const minimal = await appBundle("import { init, convolve2d, kernels } from 'conv2d-wasm'; window.run = async (img) => { await init(); return convolve2d(img, kernels.edge); };");
  const row = (what, bytes) => ({ what, raw: bytes.length, gzip: gzip(bytes) });
  return [
    row('`dist/browser/conv2d-wasm.js`: the whole browser API, self-contained (plain pages, CDNs)', plain),
    row('the Web Worker module an app bundle carries as a string (core without the WASM, for `convolve2dAsync`; the page\'s WASM is spliced in at run time); part of the next row', worker),
    row('an app importing everything, bundled by esbuild `--bundle --minify`', everything),
    row('an app importing only `init`, `convolve2d`, `kernels` (tree-shaken)', minimal),
    row("the browsers' WASM binary itself (`build/module-browser.wasm`: Node's without the PNG row work; shipped inside the JS as a string, a character per byte)", wasm),
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  console.log('| what | raw | gzip -9 |');
  console.log('| --- | ---: | ---: |');
  for (const { what, raw, gzip: gz } of await measure()) console.log(`| ${what} | ${kb(raw)} | ${kb(gz)} |`);
}
