// Real-browser tests: Debian's Chromium (/usr/bin/chromium), headless, driven by playwright-core
// against pages served on 127.0.0.1 by scripts/static-server.mjs. The pages are built here as a
// user would build them (tests/browser/sites.mjs): a plain page with no bundler, an esbuild bundle
// with default settings, a Vite build, and the demo. Every result is compared with Node's, bit for
// bit. Without Chromium these tests are skipped with a reason, except under CI=true, where that is
// a failure.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { convolve2d, decodePng, kernels, readPng, toGrayscale, toUint8 } from '../dist/node/index.js';
import { checkKernel } from '../dist/internal.js';
import { serve } from '../scripts/static-server.mjs';
import { ASYNC_CASES, SYNC_CASES, kernelOf, makeImage } from './browser/cases.mjs';
import { runCasesInPage } from './browser/page-runner.mjs';
import { buildSites } from './browser/sites.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const IN_CI = /^(1|true|yes)$/i.test(process.env.CI ?? '');
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const ARTIFACTS = fileURLToPath(new URL('../test-artifacts/', import.meta.url));
const SUITE_DIR = fileURLToPath(new URL('./fixtures/pngsuite/', import.meta.url));
const PNGSUITE_FILES = ['', 'png-parse-data/', 'other/']
  .flatMap((dir) => readdirSync(`${SUITE_DIR}${dir}`).filter((f) => f.endsWith('.png')).map((f) => `${dir}${f}`));

if (!HAVE_CHROMIUM && !IN_CI) {
  console.log(`\n  browser tests skipped: ${CHROMIUM} not found (apt-get install -y chromium, or set CHROMIUM_PATH); under CI=true this fails\n`);
}

/** `test` when Chromium is here; otherwise a skip, or under CI a failure that says why. */
function register(s, name, fn) {
  if (HAVE_CHROMIUM) s(name, fn);
  else if (IN_CI) s(name, () => assert.unreachable(`${CHROMIUM} is missing: CI must install Debian's chromium (see .ci/run)`));
  else s.skip(name, fn);
}

// One browser, one build of each site, one server per site and one page per site, shared by
// every test here (a page load costs about a second on a busy 2-core machine).
let env;
async function setup() {
  env ??= (async () => {
    const { chromium } = await import('playwright-core');
    const sites = await buildSites(`${ARTIFACTS}browser`);
    const servers = {};
    for (const [name, dir] of Object.entries(sites)) servers[name] = await serve(dir);
    // The plain page again, cross-origin isolated: SharedArrayBuffer exists there.
    servers.isolated = await serve(sites.plain, {
      headers: { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' },
    });
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-sync',
        '--disable-background-networking', '--disable-component-update'],
    });
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    // Every page counts the Web Workers it starts, and reports 4 cores (whatever this machine
    // has), so that the pool may use 4 workers.
    await context.addInitScript(() => {
      Object.defineProperty(Navigator.prototype, 'hardwareConcurrency', { get: () => 4, configurable: true });
      window.workersStarted = 0;
      window.rowTasks = 0; // tasks that compute rows of a shared output in place
      const Native = window.Worker;
      window.Worker = class extends Native {
        constructor(...args) {
          super(...args);
          window.workersStarted++;
        }
        postMessage(message, ...rest) {
          if (message && message.rows) window.rowTasks++;
          return super.postMessage(message, ...rest);
        }
      };
    });
    return { browser, context, servers, pages: new Map() };
  })();
  return env;
}

async function teardown() {
  if (!env) return;
  const { browser, servers } = await env;
  await browser.close();
  await Promise.all(Object.values(servers).map((s) => s.close()));
}

/** The site's page, loaded once; `errors` collects page errors and console errors. */
async function open(site) {
  const { context, servers, pages } = await setup();
  if (!pages.has(site)) {
    pages.set(site, (async () => {
      const page = await context.newPage();
      const errors = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
      await page.goto(servers[site].url);
      await page.waitForFunction(() => document.title === 'ready', null, { timeout: 20000 });
      return { page, errors };
    })());
  }
  return pages.get(site);
}

const base64 = (f32) => Buffer.from(f32.buffer, f32.byteOffset, f32.byteLength).toString('base64');

/** Asserts a page's result equals Node's, bit for bit, and points at the first difference if not. */
function assertSameResult(got, want, label) {
  assert.equal([got.width, got.height, got.channels, got.type], [want.width, want.height, want.channels, 'Float32Array'], `${label}: shape`);
  const wantText = base64(want.data);
  if (got.data === wantText) return;
  const bytes = Buffer.from(got.data, 'base64');
  const values = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  const i = values.findIndex((v, k) => !Object.is(v, want.data[k]));
  assert.unreachable(`${label}: differs from Node first at index ${i}: ${values[i]} vs ${want.data[i]}`);
}

function nodeResult(c) {
  return convolve2d(makeImage(c.image), kernelOf(c.kernel, kernels), c.options);
}

const builds = suite('Chromium: plain page, esbuild bundle, Vite build');

for (const site of ['plain', 'esbuild', 'vite']) {
  register(builds, `${site}: convolve2d matches Node bit for bit`, async () => {
    const { page, errors } = await open(site);
    const results = await runCasesInPage(page, SYNC_CASES);
    SYNC_CASES.forEach((c, i) => assertSameResult(results[i], nodeResult(c), `${site} case ${i}`));
    assert.equal(errors, [], `${site}: page errors`);
  });

  register(builds, `${site}: convolve2dAsync over several Web Workers matches Node, without cross-origin isolation`, async () => {
    const { page, errors } = await open(site);
    assert.is(await page.evaluate(() => self.crossOriginIsolated), false, 'the page is not cross-origin isolated');
    const before = await page.evaluate(() => window.workersStarted);
    for (const c of ASYNC_CASES) {
      const taps = checkKernel(kernelOf(c.kernel, kernels)).data.length;
      assert.ok(nodeResult(c).data.length * taps >= 1 << 22, 'big enough to be split over workers');
    }
    const results = await runCasesInPage(page, ASYNC_CASES, { asynchronous: true });
    ASYNC_CASES.forEach((c, i) => assertSameResult(results[i], nodeResult(c), `${site} async case ${i} (threads ${c.threads})`));
    assert.is(await page.evaluate(() => window.rowTasks), 0, 'no shared memory without isolation');
    const started = (await page.evaluate(() => window.workersStarted)) - before;
    assert.is(started, Math.max(...ASYNC_CASES.map((c) => c.threads)), 'one Web Worker per thread asked for');
    assert.equal(errors, [], `${site}: page errors`);
  });
}

register(builds, 'plain, cross-origin isolated: convolve2dAsync shares memory with its Web Workers and matches Node', async () => {
  const { page, errors } = await open('isolated');
  assert.is(await page.evaluate(() => self.crossOriginIsolated), true, 'the page is cross-origin isolated');
  const results = await runCasesInPage(page, ASYNC_CASES, { asynchronous: true });
  ASYNC_CASES.forEach((c, i) => assertSameResult(results[i], nodeResult(c), `isolated async case ${i} (threads ${c.threads})`));
  const rowTasks = await page.evaluate(() => window.rowTasks);
  assert.is(rowTasks, ASYNC_CASES.reduce((n, c) => n + c.threads, 0), 'each call ran as row ranges of one shared output');
  // An image and an out in SharedArrayBuffers are read and written in place.
  const inPlace = await page.evaluate(async () => {
    const { convolve2dAsync, kernels } = window.lib;
    const data = new Float32Array(new SharedArrayBuffer(4 * 700 * 500));
    for (let i = 0; i < data.length; i++) data[i] = ((i * 7919) % 1000) / 1000;
    const out = new Float32Array(new SharedArrayBuffer(data.byteLength));
    const image = { width: 700, height: 500, channels: 1, data };
    const result = await convolve2dAsync(image, kernels.box(5), { padding: 'same', out, threads: 3 });
    const sync = window.lib.convolve2d(image, kernels.box(5), { padding: 'same' });
    return { same: result.data === out, equal: sync.data.every((v, i) => Object.is(v, out[i])) };
  });
  assert.equal(inPlace, { same: true, equal: true });
  assert.equal(errors, [], 'isolated: page errors');
});

register(builds, 'plain: allocImage images are read and written in place, as in Node', async () => {
  const { page, errors } = await open('plain');
  const spec = { seed: 33, width: 90, height: 70, channels: 1, type: 'Float32Array' };
  const got = await page.evaluate(async ({ makeImageSource, spec }) => {
    const { allocImage, convolve2d, convolve2dAsync, kernels } = window.lib;
    const image = new Function(`return (${makeImageSource})`)()(spec);
    const img = allocImage(spec.width, spec.height);
    img.data.set(image.data);
    const out = allocImage(spec.width, spec.height);
    convolve2d(img, kernels.sobelX, { padding: 'same', border: 'reflect', out: out.data });
    const sync = Array.from(out.data);
    const result = await convolve2dAsync(img, kernels.sobelX, { padding: 'same', border: 'reflect', threads: 2 });
    img.free();
    out.free();
    let freed = '';
    try { img.data; } catch (e) { freed = e.message; }
    return { sync, async: Array.from(result.data), freed };
  }, { makeImageSource: makeImage.toString(), spec });
  const want = convolve2d(makeImage(spec), kernels.sobelX, { padding: 'same', border: 'reflect' });
  for (const key of ['sync', 'async']) assert.ok(got[key].length === want.data.length && got[key].every((v, i) => Object.is(v, want.data[i])), `${key}: same as Node`);
  assert.match(got.freed, /freed/);
  assert.equal(errors, []);
});

register(builds, 'plain: the WASM also loads inside a module Web Worker of the page', async () => {
  const { page, errors } = await open('plain');
  const spec = { seed: 21, width: 40, height: 30, channels: 1, type: 'Float32Array' };
  const got = await page.evaluate(async ({ makeImageSource, spec }) => {
    const image = new Function(`return (${makeImageSource})`)()(spec);
    const worker = new Worker('./worker-app.js', { type: 'module' });
    const reply = await new Promise((resolve, reject) => {
      worker.onmessage = (e) => resolve(e.data);
      worker.onerror = (e) => reject(new Error(e.message));
      worker.postMessage(image);
    });
    worker.terminate();
    if (!reply.ok) throw new Error(reply.message);
    return Array.from(reply.out.data);
  }, { makeImageSource: makeImage.toString(), spec });
  const want = convolve2d(makeImage(spec), kernels.laplacian, { padding: 'same', border: 'reflect' });
  assert.ok(got.every((v, i) => Object.is(v, want.data[i])) && got.length === want.data.length, 'same as Node');
  assert.equal(errors, []);
});

register(builds, 'plain: convolve2dAsync rejects bad options as convolve2d does, and terminateWorkers stops and restarts the pool', async () => {
  const { page, errors } = await open('plain');
  const outcome = await page.evaluate(async () => {
    const { convolve2dAsync, terminateWorkers, kernels } = window.lib;
    const image = { width: 4, height: 4, channels: 1, data: new Uint8Array(16).fill(3) };
    const failure = async (f) => {
      try {
        await f();
        return 'resolved';
      } catch (e) {
        return `${e.constructor.name}: ${e.message}`;
      }
    };
    const big = { width: 1500, height: 1500, channels: 1, data: new Float32Array(1500 * 1500).fill(1) };
    // The direct sum (about 500 M multiply-adds): still running 5 ms later even on workers that
    // earlier tests in this page already started (the separable path can finish by then).
    const pending = convolve2dAsync(big, kernels.box(15), { threads: 2, method: 'direct' });
    await new Promise((r) => setTimeout(r, 5));
    terminateWorkers();
    return {
      threads0: await failure(() => convolve2dAsync(image, [[1]], { threads: 0 })),
      threadsFraction: await failure(() => convolve2dAsync(image, [[1]], { threads: 1.5 })),
      threadsString: await failure(() => convolve2dAsync(image, [[1]], { threads: '2' })),
      kernelNaN: await failure(() => convolve2dAsync(image, [[1, NaN]])),
      terminated: await failure(() => pending),
      after: Array.from((await convolve2dAsync(image, [[2]], { threads: 2 })).data),
      // options.out receives the result; a view into a larger buffer is sent as its own copy.
      out: await (async () => {
        const out = new Float32Array(16);
        const result = await convolve2dAsync(image, [[2]], { out });
        return result.data === out && out.every((v) => v === 6);
      })(),
      view: await (async () => {
        const big = new Uint8Array(1 << 20).fill(5);
        const view = { width: 4, height: 4, channels: 1, data: big.subarray(100, 116) };
        const result = await convolve2dAsync(view, [[1]]);
        return big.length === 1 << 20 && Array.from(result.data).every((v) => v === 5);
      })(),
      cores: await (async () => {
        const before = window.workersStarted;
        const wide = { width: 800, height: 600, channels: 1, data: new Float32Array(800 * 600).fill(1) };
        await convolve2dAsync(wide, kernels.box(5), { threads: 64 });
        return window.workersStarted - before;
      })(),
    };
  });
  assert.match(outcome.threads0, /^RangeError: .*options\.threads/);
  assert.match(outcome.threadsFraction, /^RangeError: .*options\.threads/);
  assert.match(outcome.threadsString, /^TypeError: .*options\.threads/);
  assert.match(outcome.kernelNaN, /^RangeError: .*kernel\[0\]\[1\]/);
  assert.match(outcome.terminated, /^Error: .*terminateWorkers/);
  assert.equal(outcome.after, new Array(16).fill(6));
  assert.ok(outcome.out, 'options.out');
  assert.ok(outcome.view, 'a view into a larger buffer');
  assert.ok(outcome.cores <= 4, `threads: 64 on 4 cores started ${outcome.cores} more workers`);
  assert.equal(errors, []);
});

register(builds, 'plain: decodePng gives Node\'s pixels for every PngSuite file and throws /PNG/ for every x*.png', async () => {
  const { page, errors } = await open('plain');
  const names = PNGSUITE_FILES;
  const files = names.map((n) => readFileSync(`${SUITE_DIR}${n}`).toString('base64'));
  const got = await page.evaluate(async (files) => {
    const hex = (buffer) => Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, '0')).join('');
    const out = [];
    for (const b64 of files) {
      try {
        const image = window.lib.decodePng(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)));
        out.push(`${image.width}x${image.height}x${image.channels} ${hex(await crypto.subtle.digest('SHA-256', image.data))}`);
      } catch (e) {
        out.push(`${e.constructor.name}: ${e.message}`);
      }
    }
    return out;
  }, files);
  names.forEach((name, i) => {
    if (/(^|\/)x[^/]*$/.test(name)) {
      assert.match(got[i], /^Error: Invalid PNG/, name);
      return;
    }
    const want = decodePng(readFileSync(`${SUITE_DIR}${name}`));
    assert.is(got[i], `${want.width}x${want.height}x4 ${createHash('sha256').update(want.data).digest('hex')}`, name);
  });
  assert.ok(names.length >= 180, `${names.length} files`);
  assert.equal(errors, []);
});

register(builds, 'plain: decodePng, fromBlob, encodePng and the ImageData/canvas converters agree with Node', async () => {
  const { page, errors } = await open('plain');
  const names = ['basi3p02.png', 'basn6a16.png', 'tbrn2c08.png', 'basi0g04.png'];
  const files = names.map((n) => readFileSync(`${SUITE_DIR}${n}`).toString('base64'));
  const got = await page.evaluate(async (files) => {
    const { decodePng, encodePng, fromBlob, fromCanvas, fromImageData, toImageData, toBlob } = window.lib;
    const bytesOf = (b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const out = [];
    for (const b64 of files) {
      const bytes = bytesOf(b64);
      const decoded = decodePng(bytes);
      const viaBlob = await fromBlob(new Blob([bytes], { type: 'image/png' }));
      const reencoded = decodePng(encodePng(decoded));
      out.push({
        decoded: Array.from(decoded.data),
        blobSame: viaBlob.data.every((v, i) => v === decoded.data[i]),
        roundTrip: reencoded.data.every((v, i) => v === decoded.data[i]),
      });
    }
    // ImageData and canvas: a gray image out to a canvas and back.
    const gray = { width: 3, height: 2, channels: 1, data: new Uint8Array([0, 50, 100, 150, 200, 250]) };
    const canvas = new OffscreenCanvas(3, 2);
    canvas.getContext('2d').putImageData(toImageData(gray), 0, 0);
    const back = fromCanvas(canvas);
    const wrapped = fromImageData(new ImageData(new Uint8ClampedArray(8).fill(9), 2, 1));
    const signed = toImageData({ width: 2, height: 1, channels: 1, data: new Float32Array([-3.5, 300]) }, { map: 'abs' });
    const blob = toBlob(gray);
    // Other formats go through the browser's decoder: a flat-colour JPEG, and an ImageBitmap.
    const flat = new OffscreenCanvas(8, 4);
    const fctx = flat.getContext('2d');
    fctx.fillStyle = 'rgb(200, 100, 50)';
    fctx.fillRect(0, 0, 8, 4);
    const jpeg = await fromBlob(await flat.convertToBlob({ type: 'image/jpeg', quality: 1 }));
    const bitmap = window.lib.fromImageSource(await createImageBitmap(flat));
    return {
      jpeg: [jpeg.width, jpeg.height, jpeg.channels, ...jpeg.data.subarray(0, 4)],
      bitmap: [bitmap.width, bitmap.height, ...bitmap.data.subarray(28, 32)],
      out,
      back: Array.from(back.data),
      wrapped: [wrapped.channels, wrapped.data.length],
      signed: Array.from(signed.data),
      blob: [blob.type, decodePng(new Uint8Array(await blob.arrayBuffer())).data.length],
    };
  }, files);
  names.forEach((name, i) => {
    const want = decodePng(readFileSync(`${SUITE_DIR}${name}`));
    assert.equal(got.out[i].decoded, Array.from(want.data), `${name}: decodePng as in Node`);
    assert.ok(got.out[i].blobSame, `${name}: fromBlob as decodePng`);
    assert.ok(got.out[i].roundTrip, `${name}: encodePng round trip`);
  });
  assert.equal(got.back, [0, 0, 0, 255, 50, 50, 50, 255, 100, 100, 100, 255, 150, 150, 150, 255, 200, 200, 200, 255, 250, 250, 250, 255]);
  assert.equal(got.wrapped, [4, 8]);
  assert.equal(got.signed, [4, 4, 4, 255, 255, 255, 255, 255]);
  assert.equal(got.blob, ['image/png', 24]);
  assert.equal(got.jpeg.slice(0, 3), [8, 4, 4]);
  [200, 100, 50, 255].forEach((v, i) => assert.ok(Math.abs(got.jpeg[3 + i] - v) <= 4, `JPEG pixel ${got.jpeg}`));
  assert.equal(got.bitmap, [8, 4, 200, 100, 50, 255]);
  assert.equal(errors, []);
});

builds.run();

const demo = suite('Chromium: the demo page');
demo.after(teardown); // the last suite here closes the browser and the servers

/** The demo's output, as Node computes it: grayscale, convolve, toUint8, gray to RGBA. */
function demoExpected(kernel, options, map) {
  const gray = toGrayscale(readPng(fileURLToPath(new URL('../assets/astronaut.png', import.meta.url))));
  const out = toUint8(convolve2d(gray, kernel, options), { map });
  const rgba = new Uint8Array(out.width * out.height * 4);
  for (let p = 0; p < out.width * out.height; p++) rgba.set([out.data[p], out.data[p], out.data[p], 255], p * 4);
  return { width: out.width, height: out.height, rgba };
}

async function outputCanvas(page) {
  const { width, height, data } = await page.evaluate(() => {
    const canvas = document.getElementById('output');
    const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let text = '';
    for (let i = 0; i < pixels.length; i += 0x8000) text += String.fromCharCode(...pixels.subarray(i, i + 0x8000));
    return { width: canvas.width, height: canvas.height, data: btoa(text) };
  });
  return { width, height, rgba: new Uint8Array(Buffer.from(data, 'base64')) };
}

function assertSamePixels(got, want, label) {
  assert.equal([got.width, got.height], [want.width, want.height], `${label}: size`);
  const i = got.rgba.findIndex((v, k) => v !== want.rgba[k]);
  assert.ok(i < 0 && got.rgba.length === want.rgba.length, `${label}: first differing byte ${i}: ${got.rgba[i]} vs ${want.rgba[i]}`);
}

register(demo, 'loads the sample photo, runs the default kernel and draws the expected pixels; a new kernel redraws', async () => {
  const { context, servers } = await setup();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(servers.demo.url);
  await page.waitForSelector('body[data-state="done"][data-runs="1"]', { timeout: 20000 });
  const sameOptions = { padding: 'same', stride: 1, dilation: 1, border: 'reflect', cval: 0, mode: 'convolution' };
  assertSamePixels(await outputCanvas(page), demoExpected(kernels.edge, sameOptions, 'abs'), 'edge, same, reflect, abs');

  // Screenshot once the timings are in, as a test artifact.
  await page.waitForSelector('body[data-timed="1"]', { timeout: 20000 });
  const timings = await page.textContent('#timings');
  assert.match(timings, /ms[\s\S]*faster[\s\S]*bit-identical/);
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: `${ARTIFACTS}demo.png` });

  await page.selectOption('#kernel', 'sobelY');
  await page.selectOption('#padding', 'valid');
  await page.selectOption('#border', 'wrap');
  await page.selectOption('#map', 'normalize');
  await page.fill('#stride', '2');
  await page.waitForFunction(() => document.body.dataset.state === 'done' && Number(document.body.dataset.runs) >= 2
    && document.getElementById('output').width === 255, null, { timeout: 20000 });
  const validOptions = { padding: 'valid', stride: 2, dilation: 1, border: 'wrap', cval: 0, mode: 'convolution' };
  assertSamePixels(await outputCanvas(page), demoExpected(kernels.sobelY, validOptions, 'normalize'), 'sobelY, valid, stride 2, normalize');

  // A file from the picker, then one dropped on the page, replace the picture.
  await page.setInputFiles('#file', `${SUITE_DIR}basn2c08.png`);
  await page.waitForFunction(() => document.body.dataset.state === 'done' && /basn2c08/.test(document.getElementById('input-caption').textContent), null, { timeout: 20000 });
  const dropped = readFileSync(`${SUITE_DIR}basi0g08.png`).toString('base64');
  await page.evaluate((b64) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], 'dropped.png', { type: 'image/png' }));
    window.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }, dropped);
  await page.waitForFunction(() => document.body.dataset.state === 'done' && /dropped\.png/.test(document.getElementById('input-caption').textContent), null, { timeout: 20000 });
  assert.is(await page.evaluate(() => [document.getElementById('input').width, document.getElementById('output').width].join()), '32,15');

  // A typed kernel that is not a kernel gets the library's error message on the page.
  await page.fill('#matrix', '[[1, 2], [3]]');
  await page.waitForSelector('body[data-state="error"]', { timeout: 20000 });
  assert.match(await page.textContent('#status'), /RangeError: .*kernel\[1\]/);
  assert.equal(errors, []);
});

register(demo, 'box n and Gaussian σ keep what is typed and change the output; an error clears the stale result', async () => {
  const { context, servers } = await setup();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(servers.demo.url);
  await page.waitForSelector('body[data-state="done"][data-runs="1"]', { timeout: 20000 });
  const sameOptions = { padding: 'same', stride: 1, dilation: 1, border: 'reflect', cval: 0, mode: 'convolution' };
  /** Types `value` into the parameter field and waits for the run it starts. */
  const typeParam = async (value) => {
    const runs = Number(await page.getAttribute('body', 'data-runs'));
    await page.fill('#param', value);
    await page.waitForFunction((n) => document.body.dataset.state !== 'running' && Number(document.body.dataset.runs) > n
      || document.body.dataset.state === 'error', runs, { timeout: 20000 });
  };

  await page.selectOption('#kernel', 'box');
  await page.waitForFunction(() => document.body.dataset.state === 'done' && /box\(5\)/.test(document.getElementById('status').textContent), null, { timeout: 20000 });
  const box5 = await outputCanvas(page);
  assertSamePixels(box5, demoExpected(kernels.box(5), sameOptions, 'abs'), 'box(5), the default n');
  await typeParam('9');
  assert.is(await page.inputValue('#param'), '9', 'n keeps the typed value');
  const box9 = await outputCanvas(page);
  assertSamePixels(box9, demoExpected(kernels.box(9), sameOptions, 'abs'), 'box(9)');
  assert.not.equal(box9.rgba, box5.rgba, 'n changes the output');
  assert.match(await page.inputValue('#matrix'), /^\[\n(  \[.*\],?\n){9}\]$/, 'the matrix shows the 9×9 kernel');

  await page.selectOption('#kernel', 'gaussian');
  await page.waitForFunction(() => document.body.dataset.state === 'done' && /gaussian\(2\)/.test(document.getElementById('status').textContent), null, { timeout: 20000 });
  const sigma2 = await outputCanvas(page);
  await typeParam('3.5');
  assert.is(await page.inputValue('#param'), '3.5', 'σ keeps the typed value');
  const sigma35 = await outputCanvas(page);
  assertSamePixels(sigma35, demoExpected(kernels.gaussian(3.5), sameOptions, 'abs'), 'gaussian(3.5)');
  assert.not.equal(sigma35.rgba, sigma2.rgba, 'σ changes the output');

  // σ = 0 is refused by the library: the message shows, and nothing of the last result stays.
  await page.waitForSelector('body[data-timed]', { timeout: 20000 });
  await typeParam('0');
  await page.waitForSelector('body[data-state="error"]', { timeout: 20000 });
  assert.match(await page.textContent('#status'), /RangeError: .*sigma/);
  assert.is(await page.inputValue('#param'), '0', 'the refused value stays for the user to fix');
  const stale = await page.evaluate(() => ({
    output: document.getElementById('output').width,
    caption: document.getElementById('output-caption').textContent,
    timing: document.getElementById('time-wasm').textContent,
    download: document.getElementById('download').hidden,
  }));
  assert.equal(stale, { output: 0, caption: '', timing: '–', download: true });
  await typeParam('1.5');
  await page.waitForSelector('body[data-state="done"]', { timeout: 20000 });
  assertSamePixels(await outputCanvas(page), demoExpected(kernels.gaussian(1.5), sameOptions, 'abs'), 'gaussian(1.5) after the error');
  assert.equal(errors, []);
  await page.close();
});

demo.run();
