// The built package against fixed expectations from numpy, scipy and OpenCV.
//
// The fixtures in tests/fixtures/*.json are written by scripts/fixtures/make_fixtures.py (run it
// with Debian's /usr/bin/python3 and python3-scipy, python3-opencv); each file's "notes" say what
// the libraries do where the contract leaves room. Start reading at `checkConvolve`.
import { readFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { convolve2d, toGrayscale, toUint8, kernels } from '../dist/node/index.js';

const load = (name) => JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));

const ARRAY_TYPES = { uint8: Uint8Array, uint8clamped: Uint8ClampedArray, uint16: Uint16Array, float32: Float32Array };

/** The stored image as the library takes it, checking that the typed array holds the stored values. */
function makeImage(stored) {
  const Type = ARRAY_TYPES[stored.dtype];
  assert.ok(Type, `unknown dtype ${stored.dtype}`);
  const data = Type.from(stored.data);
  assert.is(data.length, stored.width * stored.height * stored.channels, 'fixture data length');
  for (let i = 0; i < data.length; i++) {
    if (data[i] !== stored.data[i]) assert.unreachable(`fixture value ${stored.data[i]} is not a ${stored.dtype}`);
  }
  return { width: stored.width, height: stored.height, channels: stored.channels, data };
}

/**
 * Lines describing the first mismatches between `got` and `expected` (empty when they agree), with
 * pixel coordinates, so a failure says where and by how much.
 */
function mismatches(got, expected, { width, channels }, allowed = () => 0, limit = 8) {
  if (got.length !== expected.length) return [`length ${got.length}, expected ${expected.length}`];
  const lines = [];
  let count = 0;
  for (let i = 0; i < expected.length; i++) {
    const tol = allowed(i);
    const ok = tol === 0 ? got[i] === expected[i] : Math.abs(got[i] - expected[i]) <= tol;
    if (ok) continue;
    count++;
    if (lines.length < limit) {
      const c = i % channels;
      const x = Math.floor(i / channels) % width;
      const y = Math.floor(i / channels / width);
      const diff = got[i] - expected[i];
      lines.push(`  x=${x} y=${y} c=${c}: got ${got[i]}, expected ${expected[i]} (diff ${diff}${tol ? `, allowed ${tol.toPrecision(3)}` : ''})`);
    }
  }
  return count ? [`${count} of ${expected.length} values differ; first:`, ...lines] : [];
}

function assertSame(got, expected, shape, allowed, label) {
  const lines = mismatches(got, expected, shape, allowed);
  assert.ok(lines.length === 0, `${label}\n${lines.join('\n')}`);
}

/** Runs `call`, then checks that the image data and the JSON-able arguments are unchanged. */
function unchanged(image, others, call) {
  const before = image.data.slice();
  const othersBefore = JSON.stringify(others);
  const result = call();
  assertSame(image.data, before, image, undefined, 'the input image was modified');
  assert.is(JSON.stringify(others), othersBefore, 'the kernel or options were modified');
  return result;
}

function checkShape(out, expected, Type) {
  assert.instance(out.data, Type);
  assert.equal([out.width, out.height, out.channels], [expected.width, expected.height, expected.channels]);
  assert.is(out.data.length, expected.width * expected.height * expected.channels);
}

// ---------------------------------------------------------------------------------------------
// convolve2d

const conv = load('convolve-cases.json');
const convolve = suite('convolve2d matches numpy/scipy/OpenCV fixtures');

/** Both kernel forms of the contract: rows, and { width, height, data } with a flat array. */
function kernelForms(rows, index) {
  const flat = rows.flat();
  const data = index % 2 === 0 ? flat : Float64Array.from(flat);
  return [['rows', rows], ['{ width, height, data }', { width: rows[0].length, height: rows.length, data }]];
}

function checkConvolve(fixture, index) {
  const { relative, absolute } = conv.tolerance;
  const expected = fixture.expected;
  for (const [form, kernel] of kernelForms(fixture.kernel, index)) {
    const image = makeImage(fixture.image);
    const options = fixture.options;
    const args = options === undefined ? [image, kernel] : [image, kernel, options];
    const out = unchanged(image, [kernel, options], () => convolve2d(...args));
    checkShape(out, expected, Float32Array);
    const allowed = (i) => relative * fixture.absSum[i] + absolute;
    assertSame(out.data, expected.data, expected, allowed, `${fixture.name}, kernel as ${form}`);
  }
}

conv.cases.forEach((fixture, index) => {
  const wide = fixture.numpyPadDiffers ? '; numpy.pad differs here, OpenCV\'s extension is the contract' : '';
  const label = `${fixture.name} [checked against ${fixture.checkedAgainst.join(', ')}${wide}]`;
  convolve(label, () => checkConvolve(fixture, index));
});

convolve('the fixtures cover every border, mode and padding form', () => {
  const seen = new Set();
  for (const { options = {}, kernel, image, resolvedPadding: pad } of conv.cases) {
    const padding = options.padding ?? 0;
    const form = typeof padding === 'string' ? padding : Array.isArray(padding) ? 'pair' : typeof padding;
    const evenKernel = kernel.length % 2 === 0 || kernel[0].length % 2 === 0;
    seen.add(`${options.border ?? 'constant'} ${options.mode ?? 'convolution'} ${form}${form === 'same' ? (evenKernel ? ' even' : ' odd') : ''}`);
    if (pad.top > image.height || pad.bottom > image.height || pad.left > image.width || pad.right > image.width) {
      seen.add(`${options.border ?? 'constant'} wider than the image`);
    }
  }
  for (const border of ['constant', 'edge', 'reflect', 'symmetric', 'wrap']) {
    for (const mode of ['convolution', 'correlation']) {
      for (const form of ['number', 'pair', 'object', 'valid', 'same odd', 'same even', 'full']) {
        assert.ok(seen.has(`${border} ${mode} ${form}`), `no fixture for ${border} ${mode} ${form}`);
      }
    }
    assert.ok(seen.has(`${border} wider than the image`), `no fixture for ${border} with pads wider than the image`);
  }
  assert.ok(conv.cases.some((c) => c.numpyPadDiffers), 'no fixture where numpy.pad and the periodic extension differ');
});

convolve.run();

// ---------------------------------------------------------------------------------------------
// toGrayscale

const gray = load('grayscale-cases.json');
const grayscale = suite('toGrayscale matches OpenCV cvtColor fixtures');

for (const fixture of gray.cases) {
  grayscale(`${fixture.name} [${fixture.reference}]`, () => {
    const image = makeImage(fixture.image);
    const args = fixture.options === undefined ? [image] : [image, fixture.options];
    const out = unchanged(image, [fixture.options], () => toGrayscale(...args));
    const expected = fixture.expected;
    assert.equal([out.width, out.height, out.channels], [expected.width, expected.height, 1]);
    if (image.data instanceof Float32Array) assert.instance(out.data, Float32Array);
    let allowed;
    if (fixture.tolerance) {
      // rel * (|w_r r| + |w_g g| + |w_b b|) + abs, from the stored input.
      const { relative, absolute, weights } = fixture.tolerance;
      const C = image.channels;
      allowed = (i) => relative * weights.reduce((s, w, c) => s + Math.abs(w * image.data[i * C + c]), 0) + absolute;
    }
    assertSame(out.data, expected.data, expected, allowed, fixture.name);
  });
}

grayscale.run();

// ---------------------------------------------------------------------------------------------
// toUint8

const u8 = load('uint8-cases.json');
const uint8 = suite('toUint8 matches OpenCV saturate_cast fixtures');

for (const fixture of u8.cases) {
  uint8(`${fixture.name} [${fixture.reference}]`, () => {
    const image = makeImage(fixture.image);
    const args = fixture.options === undefined ? [image] : [image, fixture.options];
    const out = unchanged(image, [fixture.options], () => toUint8(...args));
    checkShape(out, fixture.expected, Uint8Array);
    assertSame(out.data, fixture.expected.data, fixture.expected, undefined, fixture.name);
  });
}

uint8.run();

// ---------------------------------------------------------------------------------------------
// End to end

const pipe = load('pipeline-cases.json');
const pipeline = suite('grayscale, edge kernel and toUint8 match OpenCV end to end');

/** A kernel in either contract form, as rows. */
function rowsOf(kernel) {
  if (Array.isArray(kernel)) return kernel.map((row) => Array.from(row));
  return Array.from({ length: kernel.height }, (_, y) => Array.from(kernel.data).slice(y * kernel.width, (y + 1) * kernel.width));
}

for (const fixture of pipe.cases) {
  pipeline(fixture.name, () => {
    assert.equal(rowsOf(kernels.edge), fixture.kernel, 'kernels.edge');
    const image = makeImage(fixture.image);
    const shape = { width: image.width, height: image.height, channels: 1 };
    const g = unchanged(image, [], () => toGrayscale(image));
    assert.equal([g.width, g.height, g.channels], [shape.width, shape.height, 1]);
    assertSame(g.data, fixture.gray, shape, undefined, 'toGrayscale (cv2.cvtColor)');
    const edges = unchanged(g, [fixture.options], () => convolve2d(g, kernels.edge, fixture.options));
    checkShape(edges, fixture.edges, Float32Array);
    // Integer sums far below 2^24: float32 accumulation is exact, so no tolerance.
    assertSame(edges.data, fixture.edges.data, shape, undefined, 'convolve2d (cv2.filter2D, BORDER_REFLECT_101)');
    const clamped = toUint8(edges);
    checkShape(clamped, shape, Uint8Array);
    assertSame(clamped.data, fixture.uint8Clamp, shape, undefined, 'toUint8 clamp (saturate_cast)');
    assertSame(toUint8(edges, { map: 'abs' }).data, fixture.uint8Abs, shape, undefined, 'toUint8 abs (cv2.convertScaleAbs)');
  });
}

pipeline.run();
