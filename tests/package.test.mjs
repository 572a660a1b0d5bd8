// The package as published: what `npm pack` puts in the tarball, and the tarball installed into a
// fresh project (offline, from the npm cache the project's own install filled) and used from ESM,
// from TypeScript (node16 resolution) and through its `conv2d` bin.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const npm = (args, cwd, extra = {}) => spawnSync('npm', args, { cwd, encoding: 'utf8', timeout: 120000, ...extra });

// ---------------------------------------------------------------------------------------------
const contents = suite('npm pack: the tarball holds what users need');

let files;
contents.before(() => {
  // --ignore-scripts: `prepack` would build and run this very test suite again.
  const run = npm(['pack', '--dry-run', '--json', '--ignore-scripts'], ROOT);
  assert.is(run.status, 0, run.stderr);
  files = JSON.parse(run.stdout)[0].files.map((f) => f.path);
});

contents('built JavaScript and its types, README and package.json; nothing else', () => {
  assert.ok(files.includes('package.json'));
  assert.ok(files.includes('README.md'));
  for (const f of files) {
    const ok = f === 'package.json' || f === 'README.md' || /^LICEN[CS]E(\.md|\.txt)?$/.test(f) || /^dist\/.+\.(js|d\.ts)$/.test(f);
    assert.ok(ok, `unexpected file in the tarball: ${f}`);
  }
  for (const f of files) assert.not.match(f, /\.map$|^src\/|^tests?\/|^assembly\/|^bench\/|^scripts\/|^demo\/|fixtures|\.tgz$|^build\//, `${f} is not for users`);
});

contents('every entry point in package.json is in the tarball', () => {
  const targets = [PKG.main, PKG.types, ...Object.values(PKG.bin ?? {}), ...collect(PKG.exports)].filter(Boolean);
  for (const target of targets) {
    const path = target.replace(/^\.\//, '');
    if (path === 'package.json') continue;
    assert.ok(files.includes(path), `${target} is named in package.json but not packed`);
  }
  function collect(value) {
    if (typeof value === 'string') return [value];
    if (value && typeof value === 'object') return Object.values(value).flatMap(collect);
    return [];
  }
});

contents('no install-time scripts, an ESM package for Node >= 20, with a bin that has a shebang', () => {
  for (const hook of ['preinstall', 'install', 'postinstall', 'prepare']) {
    assert.not.ok(PKG.scripts?.[hook], `package.json has a "${hook}" script, which runs on users' machines`);
  }
  assert.is(PKG.type, 'module');
  assert.match(PKG.engines?.node ?? '', />=\s*20/);
  for (const bin of Object.values(PKG.bin)) {
    assert.match(readFileSync(join(ROOT, bin), 'utf8'), /^#!\/usr\/bin\/env node\n/, `${bin} starts with a node shebang`);
  }
});

contents.run();

// ---------------------------------------------------------------------------------------------
const installed = suite('the packed tarball installed into a fresh project');

let dir, tarball;
installed.before(() => {
  dir = mkdtempSync(join(tmpdir(), 'conv2d-wasm-package-'));
  const pack = npm(['pack', '--ignore-scripts', '--json', '--pack-destination', dir], ROOT);
  assert.is(pack.status, 0, pack.stderr);
  tarball = join(dir, JSON.parse(pack.stdout)[0].filename);
  const app = join(dir, 'app');
  execFileSync('mkdir', ['-p', app]);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true, type: 'module' }));
  const flags = ['install', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error'];
  // Dependencies come from the npm cache that the project's own `npm ci` filled: no network needed.
  let install = npm([...flags, '--offline', tarball], app);
  if (install.status !== 0) install = npm([...flags, '--prefer-offline', tarball], app);
  assert.is(install.status, 0, `npm install of the tarball failed:\n${install.stderr}`);
});

installed.after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

installed('imports from ESM and computes a real convolution', () => {
  const app = join(dir, 'app');
  writeFileSync(join(app, 'use.mjs'), `
    import { convolve2d, convolve2dAsync, kernels, decodePng, encodePng, toGrayscale, toUint8, init } from 'conv2d-wasm';
    import pkg from 'conv2d-wasm/package.json' with { type: 'json' };
    await init();
    const image = { width: 3, height: 3, channels: 1, data: Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]) };
    const sync = convolve2d(image, kernels.laplacian, { padding: 'same', border: 'reflect' });
    const off = await convolve2dAsync(image, [[1, 2], [3, 4]]);
    const gray = toGrayscale(decodePng(encodePng(toUint8(image))));
    console.log(JSON.stringify({ name: pkg.name, sync: Array.from(sync.data), off: Array.from(off.data), gray: Array.from(gray.data) }));
  `);
  const run = spawnSync(process.execPath, ['use.mjs'], { cwd: app, encoding: 'utf8', timeout: 30000 });
  assert.is(run.status, 0, run.stderr);
  const got = JSON.parse(run.stdout);
  assert.is(got.name, 'conv2d-wasm');
  // Laplacian [[0,1,0],[1,-4,1],[0,1,0]] with reflect padding, by hand: corner 1 sees 4+2+4+2 − 4·1 = 8 …
  assert.equal(got.sync, [8, 6, 4, 2, 0, -2, -4, -6, -8]);
  // rot180([[1,2],[3,4]]) = [[4,3],[2,1]]: 4·1 + 3·2 + 2·4 + 1·5 = 23, …
  assert.equal(got.off, [23, 33, 53, 63]);
  assert.equal(got.gray, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
});

installed('its types resolve from TypeScript with node16 module resolution', () => {
  const app = join(dir, 'app');
  writeFileSync(join(app, 'use.ts'), `
    import { allocImage, convolve2d, decodePng, kernels, type Image, type LinearImage, type PngDecodeOptions } from 'conv2d-wasm';
    const image: Image = { width: 2, height: 1, channels: 1, data: new Uint8Array([1, 2]) };
    const out: Image<Float32Array> = convolve2d(image, kernels.identity, { padding: 'same', border: 'edge' });
    // @ts-expect-error: 'mirror' is not a border mode
    convolve2d(image, [[1]], { border: 'mirror' });
    export const n: number = out.data.length;
    // allocImage: float32 unless told; the type name picks the array type.
    const lin: LinearImage = allocImage(2, 1);
    const bytes: Uint8Array = allocImage(2, 1, 4, 'uint8').data;
    const deep: LinearImage<Uint16Array> = allocImage(2, 1, 1, 'uint16');
    convolve2d(lin, kernels.identity, { out: allocImage(2, 1).data });
    // @ts-expect-error: no float64 images
    allocImage(2, 1, 1, 'float64');
    lin.free();
    export const m: number = bytes.length + deep.data.length;
    // decodePng into an array of the caller's: its type follows depth.
    const png = new Uint8Array(0);
    const into: Uint8Array = decodePng(png, { out: new Uint8Array(4) }).data;
    const into16: Uint16Array = decodePng(png, { depth: 16, out: new Uint16Array(4) }).data;
    // @ts-expect-error: 16-bit samples need depth 16
    decodePng(png, { out: new Uint16Array(4) });
    const settings: PngDecodeOptions = { limitInputPixels: false, out: into };
    export const o: number = into16.length + (settings.out?.length ?? 0);
  `);
  writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'node16', moduleResolution: 'node16', target: 'es2022', strict: true, noEmit: true, skipLibCheck: true, types: [] }, files: ['use.ts'] }));
  const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: app, encoding: 'utf8', timeout: 60000 });
  assert.is(tsc.status, 0, tsc.stdout + tsc.stderr);
});

installed('the conv2d bin runs: a PNG in, an edge map out, exit codes 0 and 2', () => {
  const app = join(dir, 'app');
  const bin = join(app, 'node_modules/.bin/conv2d');
  assert.ok(existsSync(bin), 'node_modules/.bin/conv2d was not linked');
  copyFileSync(join(ROOT, 'tests/fixtures/pngsuite/basn2c08.png'), join(app, 'in.png'));
  const ok = spawnSync(bin, ['in.png', '-k', 'sobelX', '-o', 'edges.png'], { cwd: app, encoding: 'utf8', timeout: 30000 });
  assert.is(ok.status, 0, ok.stderr);
  const bytes = readFileSync(join(app, 'edges.png'));
  assert.equal(Array.from(bytes.subarray(0, 8)), [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const usage = spawnSync(bin, ['--no-such-flag'], { cwd: app, encoding: 'utf8', timeout: 30000 });
  assert.is(usage.status, 2, usage.stderr);
});

installed.run();
