// `npm run build`: the incremental build. Each step runs only when its inputs changed:
//   1. WebAssembly: asc on assembly/ (+ asconfig.json, the compiler's version): Node's module
//      (assembly/node.ts) -> build/module.wasm and the browsers' (assembly/index.ts, without the
//      PNG row work) -> build/module-browser.wasm, each embedded as a string (a character per byte)
//      in src/core/wasm/module.generated.ts and module-browser.generated.ts. Stamped by content hash.
//   2. Browser: the Web Worker text and dist/browser/conv2d-wasm.js (scripts/build-browser.mjs),
//      stamped with every file esbuild read last time.
//   3. TypeScript: `tsc -b` with incremental build info (build/tsconfig.tsbuildinfo), started only
//      when a file or folder under src/ (or tsconfig.json) is newer than that build info.
// Generated files are rewritten only when their content changes, so an unchanged step never makes
// a later one run. A clean clone has no build/ and builds everything. `--force` ignores the stamps.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { embedWasm } from './embed-wasm.mjs';
import { listFiles, stampedInputs, upToDate, writeStamp } from './lib/up-to-date.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const force = process.argv.includes('--force');
const quiet = process.argv.includes('--quiet');
const say = (text) => { if (!quiet) console.log(text); };

/** Runs a package's command-line script with this Node, failing the build when it fails. */
function run(script, args) {
  const result = spawnSync(process.execPath, [join(root, script), ...args], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`${script} ${args.join(' ')} failed (exit ${result.status ?? result.signal})`);
}

const version = (pkg) => JSON.parse(readFileSync(join(root, 'node_modules', pkg, 'package.json'), 'utf8')).version;

// 1. WebAssembly.
// The embedder is an input too: a change in how the bytes are embedded must re-embed them.
const wasmInputs = [...listFiles(root, 'assembly', '.ts'), 'asconfig.json', 'scripts/embed-wasm.mjs'];
const wasmOutputs = ['build/module.wasm', 'build/module-browser.wasm', 'src/core/wasm/module.generated.ts',
  'src/core/wasm/module-browser.generated.ts'];
const ascVersion = `assemblyscript ${version('assemblyscript')}`;
if (force || !upToDate(root, 'wasm', wasmInputs, wasmOutputs, ascVersion)) {
  run('node_modules/assemblyscript/bin/asc.js', ['assembly/node.ts', '--target', 'release']);
  run('node_modules/assemblyscript/bin/asc.js', ['assembly/index.ts', '--target', 'browser']);
  const { node, browser } = embedWasm(root);
  say(`wasm: ${node} bytes (Node), ${browser} bytes (browsers)`);
  writeStamp(root, 'wasm', wasmInputs, ascVersion);
}

// 2. Browser bundles.
const browserOutputs = ['src/browser/worker-source.generated.ts', 'dist/browser/conv2d-wasm.js'];
const esbuildVersion = `esbuild ${version('esbuild')}`;
const lastInputs = stampedInputs(root, 'browser');
if (force || !lastInputs || !upToDate(root, 'browser', null, browserOutputs, esbuildVersion)) {
  const { buildBrowser } = await import('./build-browser.mjs');
  const { inputs, workerBytes, pageBytes } = await buildBrowser(root);
  say(`browser: worker module ${workerBytes} bytes, dist/browser/conv2d-wasm.js ${pageBytes} bytes`);
  writeStamp(root, 'browser', inputs, esbuildVersion);
}

// 3. TypeScript. tsc -b checks the same thing itself, but only after loading the compiler (about
// a second); a folder's mtime changes when a file in it is added, removed or renamed.
const buildInfo = join(root, 'build/tsconfig.tsbuildinfo');
/** The newest mtime (ms) among `path` and everything under it. */
const newest = (path) => {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((latest, name) => Math.max(latest, newest(join(path, name))), stat.mtimeMs);
};
if (!existsSync(join(root, 'dist/node/index.js'))) rmSync(buildInfo, { force: true }); // dist was removed: start over
const tscDue = force || !existsSync(buildInfo)
  || Math.max(newest(join(root, 'src')), newest(join(root, 'tsconfig.json'))) > statSync(buildInfo).mtimeMs;
if (tscDue) {
  try {
    run('node_modules/typescript/bin/tsc', ['-b', 'tsconfig.json', ...(force ? ['--force'] : [])]);
  } catch (error) {
    // tsc writes its build info even when it reports errors; left there, it would make the next
    // build skip this step and pass on the same broken source.
    rmSync(buildInfo, { force: true });
    throw error;
  }
  say('tsc: done');
}
