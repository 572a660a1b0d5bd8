// Builds the browser side; scripts/build.mjs runs it after the WASM is embedded and before tsc,
// and only when one of the files it read last time (its stamp in build/) has changed.
//
// 1. src/browser/worker.ts, bundled with the core into one minified ES module, whose text becomes
//    src/browser/worker-source.generated.ts (not committed): the Web Worker of apps that bundle
//    dist/browser/index.js. async.ts starts workers from a Blob URL of that text, so no bundler
//    has to find a worker file. The WASM is left out of that text and spliced in at run time
//    from the page's own copy.
// 2. dist/browser/conv2d-wasm.js: the whole browser entry as one self-contained, minified ES
//    module, for pages without a bundler (`<script type="module">`, a static folder, a CDN). It
//    is one function called once on the page and, from its own text, in each worker
//    (src/browser/worker-source.self.ts), so it carries the core once, not twice.
//
// Bundlers use dist/browser/index.js (tsc's output, via the "browser" export condition) instead,
// so they can share fflate with the app and drop what it does not import.
import { build } from 'esbuild';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeIfChanged } from './lib/up-to-date.mjs';

const common = { bundle: true, format: 'esm', platform: 'browser', target: 'es2022', minify: true, write: false, logLevel: 'warning' };

/** Fails the build if anything in a browser bundle came from Node's built-ins or from src/node. */
function checkNoNode(result, what) {
  const inputs = Object.keys(result.metafile.inputs);
  const bad = inputs.filter((p) => p.startsWith('node:') || p.includes('src/node/') || p.includes('pngjs'));
  if (bad.length) throw new Error(`${what} pulls in Node code: ${bad.join(', ')}`);
}

// The page already carries the WASM (for its own synchronous calls): the worker text gets a
// placeholder in its place, and the generated module splices the page's copy in at run time, so
// the browser downloads the WASM once, not twice (about 6.5 KB gzip).
const MARK = '@@conv2d-wasm: the kernels@@';
/** What an esbuild result read, for the next build's stamp: our files, and each package by its package.json (its version). */
const sourcesOf = (result) => Object.keys(result.metafile.inputs).map((p) => {
  const pkg = /^node_modules\/(@[^/]+\/)?[^/]+\//.exec(p);
  return pkg ? `${pkg[0]}package.json` : p;
});
/**
 * The browsers' WebAssembly module (without the PNG row work, which browsers run in JavaScript) in
 * place of Node's, as package.json's "browser" field does for an app's bundler.
 */
const browserWasm = {
  name: 'browser-wasm',
  setup(b) {
    b.onResolve({ filter: /\/module\.generated\.js$/ }, (args) => ({ path: join(args.resolveDir, 'module-browser.generated.ts') }));
  },
};
/** Bundles worker-source.self.ts (the self-contained file's own text as the worker) in place of worker-source.generated.ts. */
const selfWorker = {
  name: 'self-worker',
  setup(b) {
    b.onResolve({ filter: /\/worker-source\.generated\.js$/ }, (args) => ({ path: join(args.resolveDir, 'worker-source.self.ts') }));
  },
};
// The function the self-contained file is wrapped in, and its parameter (true in a worker):
// worker-source.self.ts declares both names.
const LIBRARY = 'conv2dWasmLibrary';
const IN_WORKER = 'conv2dWasmInWorker';
/**
 * Turns esbuild's ES module text (code, then one `export{local as name,...};`) into the
 * self-contained file: the code inside the library function, which returns the exports, and the
 * exports taken from one call on the page.
 */
function asLibraryFunction(text) {
  const tail = /export\{([^{}]*)\};?\s*$/.exec(text);
  if (!tail) throw new Error('the browser bundle does not end with one export clause');
  const body = text.slice(0, tail.index);
  if (/\bimport\.meta\b|^\s*import\b|\bexport\s*[{*]/m.test(body)) throw new Error('the browser bundle has imports or exports besides its last line');
  const pairs = tail[1].split(',').map((spec) => {
    const [local, name = local] = spec.split(/\s+as\s+/);
    return [local.trim(), name.trim()];
  });
  return [
    `const ${LIBRARY}=(${IN_WORKER})=>{${body}return{${pairs.map(([local, name]) => `${name}:${local}`).join(',')}}};`,
    `export const{${pairs.map(([, name]) => name).join(',')}}=${LIBRARY}(false);`,
    '',
  ].join('\n');
}
const placeholder = {
  name: 'wasm-placeholder',
  setup(b) {
    b.onLoad({ filter: /module(-browser)?\.generated\.ts$/ }, () => ({
      contents: `export const MODULE_WASM = ${JSON.stringify(MARK)};`, loader: 'ts',
    }));
  },
};
/**
 * Builds both outputs under `root` (a folder path ending in '/') and returns the source files they
 * were built from (paths relative to `root`, node_modules packages by their package.json), with sizes.
 */
export async function buildBrowser(root = fileURLToPath(new URL('..', import.meta.url))) {
  const worker = await build({ ...common, absWorkingDir: root, entryPoints: ['src/browser/worker.ts'], metafile: true, plugins: [placeholder] });
  checkNoNode(worker, 'the worker bundle');
  const workerText = worker.outputFiles[0].text;
  const parts = workerText.split(JSON.stringify(MARK));
  if (parts.length !== 2) throw new Error(`the worker bundle holds the WASM placeholder ${parts.length - 1} times, expected once`);
  writeIfChanged(`${root}src/browser/worker-source.generated.ts`, [
    '// Generated by scripts/build-browser.mjs from src/browser/worker.ts. Do not edit; not committed.',
    "import { MODULE_WASM } from '../core/wasm/module.generated.js';",
    '',
    '/** The Web Worker module\'s text (core + WASM), started from a Blob URL by async.ts; the WASM is the page\'s own copy. */',
    'export function workerSource(): string {',
    `  return ${JSON.stringify(parts[0])} + JSON.stringify(MODULE_WASM) + ${JSON.stringify(parts[1])};`,
    '}',
    '',
  ].join('\n'));

  const page = await build({ ...common, absWorkingDir: root, entryPoints: ['src/browser/index.ts'], metafile: true, plugins: [selfWorker, browserWasm] });
  checkNoNode(page, 'the browser bundle');
  const pageText = asLibraryFunction(page.outputFiles[0].text);
  writeIfChanged(`${root}dist/browser/conv2d-wasm.js`, pageText);
  const inputs = [...new Set([...sourcesOf(worker), ...sourcesOf(page)])].sort();
  return { inputs, workerBytes: workerText.length, pageBytes: Buffer.byteLength(pageText) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { workerBytes, pageBytes } = await buildBrowser();
  console.log(`browser: worker module ${workerBytes} bytes, dist/browser/conv2d-wasm.js ${pageBytes} bytes`);
}
