// JPEG in and out (decodeJpeg, encodeJpeg) and images by format (decodeImage, readImage,
// encodeImage, writeImage), against cv2.imread's pixels from scripts/fixtures/make_jpeg_fixtures.py.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  convolveFiles, decodeImage, decodeJpeg, decodePng, encodeImage, encodeJpeg, encodePng, kernels, readImage, writeImage,
} from '../dist/node/index.js';
import { assertThrows, randomImage, rng } from './helpers.mjs';

const fixture = (name) => new URL(`fixtures/jpeg/${name}`, import.meta.url);
const fixtureBytes = (name) => new Uint8Array(readFileSync(fixture(name)));

/** cv2.imread's pixels for a fixture, as { width, height, channels, data } with 1 or 3 channels. */
function expected(name, channels) {
  const png = decodePng(fixtureBytes(name.replace(/\.jpg$/, '.expected.png')));
  const n = png.width * png.height;
  const data = new Uint8Array(n * channels);
  for (let i = 0; i < n; i++) for (let c = 0; c < channels; c++) data[i * channels + c] = png.data[4 * i + c];
  return { width: png.width, height: png.height, channels, data };
}

/** Largest |a − b| over all samples, after checking the shapes agree. */
function maxDifference(got, want, label) {
  assert.equal([got.width, got.height, got.channels], [want.width, want.height, want.channels], `${label}: shape`);
  let max = 0;
  for (let i = 0; i < want.data.length; i++) max = Math.max(max, Math.abs(got.data[i] - want.data[i]));
  return max;
}

const decode = suite('decodeJpeg: the pixels libjpeg (cv2.imread) reads');

for (const [name, channels] of [['chelsea.jpg', 3], ['chelsea-progressive.jpg', 3], ['chelsea-gray.jpg', 1]]) {
  decode(`${name}: identical to cv2.imread`, () => {
    const got = decodeJpeg(fixtureBytes(name));
    assert.ok(got.data instanceof Uint8Array);
    assert.is(maxDifference(got, expected(name, channels), name), 0);
  });
}

decode('EXIF orientations 1-8 are applied as cv2.imread applies them', () => {
  const upright = decodeJpeg(fixtureBytes('orient-1.jpg'));
  for (let orientation = 1; orientation <= 8; orientation++) {
    const name = `orient-${orientation}.jpg`;
    const got = decodeJpeg(fixtureBytes(name));
    assert.is(maxDifference(got, expected(name, 3), name), 0, name);
    // Orientations 5-8 swap the sides; every one but 1 moves pixels.
    assert.is(got.width, orientation >= 5 ? upright.height : upright.width, `${name} width`);
    if (orientation > 1) assert.not.equal(got.data, upright.data, `${name} differs from upright`);
  }
});

decode('broken and unsupported files are refused with the reason; the decoder keeps working', () => {
  const good = fixtureBytes('chelsea.jpg');
  assertThrows(() => decodeJpeg(good.subarray(0, good.length >> 1)), Error, /^Invalid JPEG: Premature end of JPEG file$/);
  assertThrows(() => decodeJpeg(good.subarray(0, 200)), Error, /^Invalid JPEG: /);
  assertThrows(() => decodeJpeg(new Uint8Array([0xff, 0xd8, 0xff, 0xd9])), Error, /^Invalid JPEG: no frame header/);
  assertThrows(() => decodeJpeg(new Uint8Array([1, 2, 3])), Error, /^Invalid JPEG: bad signature/);
  // Corrupt entropy-coded data after a valid header: libjpeg's own error.
  const scrambled = good.slice();
  for (let i = 1000; i < 1400; i++) scrambled[i] = 0xff;
  assertThrows(() => decodeJpeg(scrambled), Error, /^Invalid JPEG: /);
  // A frame header claiming 4 components (CMYK): refused before decoding.
  const gray = fixtureBytes('chelsea-gray.jpg').slice();
  const sof = gray.findIndex((b, i) => b === 0xff && gray[i + 1] === 0xc0);
  gray[sof + 9] = 4;
  assertThrows(() => decodeJpeg(gray), Error, /^Unsupported JPEG: 4 colour components/);
  assert.is(maxDifference(decodeJpeg(good), expected('chelsea.jpg', 3), 'after errors'), 0);
});

decode('arguments: bytes, options, limitInputPixels checked before decoding', () => {
  const good = fixtureBytes('chelsea.jpg');
  assertThrows(() => decodeJpeg('chelsea.jpg'), TypeError, /bytes/);
  assertThrows(() => decodeJpeg(good, 5), TypeError, /options/);
  assertThrows(() => decodeJpeg(good, { limit: 1 }), TypeError, /options\.limit\b/);
  assertThrows(() => decodeJpeg(good, { limitInputPixels: 451 * 300 - 1 }), RangeError, /JPEG of 451 × 300 .*options\.limitInputPixels/);
  assert.is(decodeJpeg(good.buffer.slice(good.byteOffset, good.byteOffset + good.length), { limitInputPixels: 451 * 300 }).width, 451);
});

const encode = suite('encodeJpeg');

encode('round trip: gray stays gray, colour stays close, quality trades size for error', () => {
  const photo = decodeJpeg(fixtureBytes('chelsea.jpg'));
  const gray = decodeJpeg(fixtureBytes('chelsea-gray.jpg'));
  const sizes = [];
  const errors = [];
  for (const quality of [50, 95]) {
    const bytes = encodeJpeg(photo, { quality });
    assert.ok(bytes instanceof Uint8Array);
    const back = decodeJpeg(bytes);
    sizes.push(bytes.length);
    let sum = 0;
    for (let i = 0; i < photo.data.length; i++) sum += Math.abs(back.data[i] - photo.data[i]);
    errors.push(sum / photo.data.length);
  }
  assert.ok(sizes[1] > sizes[0], `quality 95 is larger: ${sizes}`);
  assert.ok(errors[1] < errors[0] && errors[1] < 2, `quality 95 is closer: mean |Δ| ${errors}`);
  const grayBack = decodeJpeg(encodeJpeg(gray, { quality: 90 }));
  assert.is(grayBack.channels, 1);
  const rgba = { width: 2, height: 1, channels: 4, data: new Uint8Array([255, 0, 0, 0, 0, 0, 255, 7]) };
  const back = decodeJpeg(encodeJpeg(rgba, { quality: 100 }));
  assert.is(back.channels, 3, 'alpha dropped');
});

encode('arguments', () => {
  const image = randomImage(rng(3), 4, 3, 3, Uint8Array);
  assertThrows(() => encodeJpeg(image, { quality: 0 }), RangeError, /options\.quality/);
  assertThrows(() => encodeJpeg(image, { quality: 101 }), RangeError, /options\.quality/);
  assertThrows(() => encodeJpeg(image, { quality: '80' }), TypeError, /options\.quality/);
  assertThrows(() => encodeJpeg(image, { level: 3 }), TypeError, /options\.level/);
  assertThrows(() => encodeJpeg({ ...image, data: new Float32Array(36) }), TypeError, /toUint8 first\) for image\.data/);
  assert.is(decodeJpeg(encodeJpeg(image)).width, 4, 'a valid call afterwards');
});

const images = suite('decodeImage, readImage, encodeImage, writeImage: by content and by extension');
let dir;
images.before.each(() => { dir = mkdtempSync(join(tmpdir(), 'conv2d-jpeg-')); });
images.after.each(() => rmSync(dir, { recursive: true, force: true }));

images('the decoder is chosen by the bytes, not the name', () => {
  const jpeg = fixtureBytes('chelsea.jpg');
  const png = encodePng(randomImage(rng(1), 5, 4, 3, Uint8Array));
  assert.equal(decodeImage(jpeg), decodeJpeg(jpeg));
  assert.equal(decodeImage(png), decodePng(png));
  writeFileSync(join(dir, 'really-a-jpeg.png'), jpeg);
  assert.is(readImage(join(dir, 'really-a-jpeg.png')).channels, 3);
  writeFileSync(join(dir, 'notes.jpg'), 'GIF89a...');
  assertThrows(() => readImage(join(dir, 'notes.jpg')), Error, /notes\.jpg: Unsupported image format \(the file starts with 47 49 46 38\); supported: PNG, JPEG$/);
  assertThrows(() => decodeImage(new Uint8Array(0)), Error, /Unsupported image format \(an empty file\)/);
  assertThrows(() => readImage(join(dir, 'missing.jpg')), Error, /ENOENT/);
  assertThrows(() => readImage(7), TypeError, /path/);
  assertThrows(() => decodeImage(jpeg, { limitInputPixels: 10 }), RangeError, /options\.limitInputPixels/);
  const cut = join(dir, 'cut.jpg');
  writeFileSync(cut, jpeg.subarray(0, 3000));
  assertThrows(() => readImage(cut), Error, /cut\.jpg: Invalid JPEG: Premature end of JPEG file/);
});

images('writeImage picks the encoder from the extension, atomically', () => {
  const image = randomImage(rng(2), 16, 8, 3, Uint8Array);
  writeImage(join(dir, 'a.PNG'), image);
  writeImage(join(dir, 'b.jpg'), image, { quality: 100 });
  writeImage(join(dir, 'c.jpeg'), image, { quality: 20 });
  assert.equal(readImage(join(dir, 'a.PNG')).data.filter((_, i) => i % 4 !== 3), image.data, 'PNG is lossless');
  assert.equal(readFileSync(join(dir, 'b.jpg')).subarray(0, 3), Buffer.from([0xff, 0xd8, 0xff]));
  assert.ok(readFileSync(join(dir, 'b.jpg')).length > readFileSync(join(dir, 'c.jpeg')).length, 'quality reaches the encoder');
  assertThrows(() => writeImage(join(dir, 'd.gif'), image), RangeError, /\.png, \.jpg, \.jpeg for path/);
  assertThrows(() => encodeImage(image, 'gif'), RangeError, /format/);
  assertThrows(() => encodeImage(image, 'jpeg', { quality: 200 }), RangeError, /options\.quality/);
  assert.equal(readdirSync(dir).sort(), ['a.PNG', 'b.jpg', 'c.jpeg'], 'no temp file and nothing for the refused calls');
});

images('convolveFiles walks .jpg and .jpeg, names outputs as the CLI does, and writes JPEG by extension', async () => {
  const jpeg = fixtureBytes('chelsea.jpg');
  writeFileSync(join(dir, 'a.jpg'), jpeg);
  writeFileSync(join(dir, 'b.JPEG'), fixtureBytes('chelsea-gray.jpg'));
  writeFileSync(join(dir, 'c.gif'), 'GIF89a');
  const report = await convolveFiles([dir], kernels.edge, { padding: 'same' }, { jobs: 1 });
  assert.is(report.totals.written, 2, JSON.stringify(report.results));
  assert.equal(readdirSync(dir).sort(), ['a-edge.png', 'a.jpg', 'b-edge.png', 'b.JPEG', 'c.gif']);
  const again = await convolveFiles([join(dir, 'a.jpg')], kernels.box(3), {}, { outDir: join(dir, 'out'), quality: 90 });
  assert.is(again.totals.written, 1);
  assert.is(readImage(join(dir, 'out', 'a.jpg')).channels, 1, 'a gray JPEG, named as the input');
  const custom = await convolveFiles([join(dir, 'a.jpg')], [[0, 1], [1, 0]], {}, { jobs: 1 });
  assert.is(custom.results[0].output, join(dir, 'a-custom.png'));
});

decode.run();
encode.run();
images.run();
