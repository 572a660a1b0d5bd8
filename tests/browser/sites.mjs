// Builds the pages the browser tests open, the way a user would make them:
//   plain/   the self-contained dist/browser/conv2d-wasm.js next to an HTML page, no bundler;
//   esbuild/ app.js (which imports 'conv2d-wasm') bundled by esbuild with its default settings;
//   vite/    the same app built by Vite;
//   demo/    the demo page, as `npm run demo` builds it.
// The esbuild and Vite projects get node_modules/conv2d-wasm as a link to this repository, so the
// package resolves through its package.json "exports" (the "browser" condition) as installed.
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildDemo } from '../../scripts/demo.mjs';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const here = fileURLToPath(new URL('./', import.meta.url));

function copy(from, to) {
  writeFileSync(to, readFileSync(from));
}

/** A project folder with app.js and node_modules/conv2d-wasm → this repository. */
function project(dir, files) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(`${dir}/node_modules`, { recursive: true });
  symlinkSync(repo, `${dir}/node_modules/conv2d-wasm`, 'dir');
  for (const [from, to] of files) copy(`${here}${from}`, `${dir}/${to}`);
}

export async function buildPlain(out) {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  copy(`${repo}dist/browser/conv2d-wasm.js`, `${out}/conv2d-wasm.js`);
  copy(`${here}plain.html`, `${out}/index.html`);
  copy(`${here}worker-app.js`, `${out}/worker-app.js`);
  return out;
}

export async function buildEsbuild(out, work) {
  const { build } = await import('esbuild');
  project(work, [['app.js', 'app.js']]);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  // Default settings: only --bundle and an output file (no format, platform, loader or plugin).
  try {
    await build({ entryPoints: [`${work}/app.js`], bundle: true, outfile: `${out}/app.js`, logLevel: 'error' });
  } finally {
    rmSync(work, { recursive: true, force: true }); // no link back to the repository left lying around
  }
  copy(`${here}esbuild.html`, `${out}/index.html`);
  return out;
}

export async function buildVite(out, work) {
  const { build } = await import('vite');
  project(work, [['vite.html', 'index.html'], ['app.js', 'app.js']]);
  try {
    await build({ root: work, configFile: false, logLevel: 'error', build: { outDir: out, emptyOutDir: true } });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return out;
}

/** Builds every site under `root`; returns their folders. */
export async function buildSites(root) {
  const [plain, esbuild, vite, demo] = await Promise.all([
    buildPlain(`${root}/plain`),
    buildEsbuild(`${root}/esbuild`, `${root}/esbuild-project`),
    buildVite(`${root}/vite`, `${root}/vite-project`),
    buildDemo(`${root}/demo`),
  ]);
  return { plain, esbuild, vite, demo };
}
