// The browser payload: bytes shipped (JavaScript with the WASM embedded in it), raw and gzip -9.
//   node scripts/browser-size.mjs        prints a Markdown table (bench/RESULTS.md, "Browser payload")
// tests/browser-build.test.mjs imports measure() and holds the whole payload under 40 KB gzip.
// Run `npm run build` first.
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
  const wasm = readFileSync(`${root}build/module.wasm`);
  const plain = readFileSync(`${root}dist/browser/conv2d-wasm.js`);
  const { WORKER_SOURCE } = await import(`${root}dist/browser/worker-source.generated.js`);
  const worker = Buffer.from(WORKER_SOURCE);
  const everything = await appBundle("import * as lib from 'conv2d-wasm'; window.lib = lib;");
  const minimal = await appBundle("import { init, convolve2d, kernels } from 'conv2d-wasm'; window.run = async (img) => { await init(); return convolve2d(img, kernels.edge); };");
  const row = (what, bytes) => ({ what, raw: bytes.length, gzip: gzip(bytes) });
  return [
    row('`dist/browser/conv2d-wasm.js`: the whole browser API, self-contained (plain pages, CDNs)', plain),
    row('the Web Worker module as it runs (core + WASM, for `convolve2dAsync`; the page ships its WASM once, spliced in at run time)', worker),
    row('an app importing everything, bundled by esbuild `--bundle --minify`', everything),
    row('an app importing only `init`, `convolve2d`, `kernels` (tree-shaken)', minimal),
    row('the WASM binary itself (`build/module.wasm`; shipped inside the JS as base64)', wasm),
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  console.log('| what | raw | gzip -9 |');
  console.log('| --- | ---: | ---: |');
  for (const { what, raw, gzip: gz } of await measure()) console.log(`| ${what} | ${kb(raw)} | ${kb(gz)} |`);
}
