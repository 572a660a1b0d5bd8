// Failing tests for library bugs found by the hardening work (issue 4), kept out of `npm test`
// (the file name does not end in .test.mjs) until they are fixed in src/. Run them with
//   npm run build && npx uvu tests 'pending-bugs\.mjs$'
// When one is fixed, move its test into tests/numeric.test.mjs or the test file of its function.
// (Earlier batches, fixed in 2b3237b and 1722429, are in the convolve2d, convolve2d-async,
// to-grayscale, numeric and property tests.)
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

const bugs = suite('pending bugs');
const FLT_MAX = 3.4028234663852886e38;
const row = (values) => ({ width: values.length, height: 1, channels: 1, data: Float32Array.from(values) });
const same = (got, want, label) => got.forEach((v, i) => assert.ok(Object.is(v, want[i]), `${label}: [${i}] is ${v}, expected ${want[i]}`));

// src/core/png/fflate.ts (FUZZING.md finding 7, seed 4242 case 155265): a stored deflate block whose
// NLEN is not the one's complement of LEN (RFC 1951 §3.2.4). Node's zlib rejects the stream ("invalid
// stored block lengths"), so the Node decoder says "Invalid PNG: bad zlib data in IDAT"; fflate does
// not check NLEN, the Adler-32 of the (unchanged) output matches, and the codec decodes the image.
bugs('core/png/codec rejects a stored block whose NLEN does not match LEN, as the Node decoder does', async () => {
  const { deflateSync } = await import('node:zlib');
  const { decodePng } = await import('../dist/node/index.js');
  const codec = (await import('../dist/internal.js')).browserPng;
  const { pngChunk: chunk } = await import('./helpers.mjs');
  const ihdr = new Uint8Array(13);
  new DataView(ihdr.buffer).setUint32(0, 4);
  new DataView(ihdr.buffer).setUint32(4, 2);
  ihdr[8] = 8; // 8-bit gray
  const z = new Uint8Array(deflateSync(Uint8Array.from([0, 10, 20, 30, 40, 0, 50, 60, 70, 80]), { level: 0 }));
  assert.is(z[2] & 6, 0, 'a stored block');
  z[5] ^= 1; // NLEN, low byte: now LEN !== ~NLEN
  const png = Uint8Array.from([137, 80, 78, 71, 13, 10, 26, 10, ...chunk('IHDR', ihdr), ...chunk('IDAT', z), ...chunk('IEND', new Uint8Array(0))]);
  const outcome = (decode) => {
    try {
      decode(png);
      return 'decoded';
    } catch (e) {
      return e.message;
    }
  };
  assert.match(outcome(decodePng), /Invalid PNG: bad zlib data in IDAT/);
  assert.match(outcome(codec.decodePng), /Invalid PNG/);
});

// src/core/png/fflate.ts (FUZZING.md finding 8, seed 20261205 case 38262): PngSuite oi4n0g16.png with
// two bits flipped in IDAT, so a dynamic block's code-length code is no longer a complete prefix
// code. Node's zlib rejects it ("invalid code lengths set"); fflate builds its tables without that
// check, decodes to bytes whose Adler-32 matches, and the codec returns a 32×32 image.
bugs('core/png/codec rejects an incomplete code-length code, as the Node decoder does', async () => {
  const { readFileSync } = await import('node:fs');
  const { decodePng } = await import('../dist/node/index.js');
  const codec = (await import('../dist/internal.js')).browserPng;
  const png = readFileSync(new URL('./fixtures/fuzz/finding-8.png', import.meta.url));
  assert.throws(() => decodePng(png), /invalid code lengths set/);
  assert.throws(() => codec.decodePng(png), /Invalid PNG/);
});

bugs.run();
