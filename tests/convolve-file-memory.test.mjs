// A memory test, not a timing test: a 12000 × 12000 PNG, written row by row by the library's own
// streaming encoder (PngRowWriter), goes through convolveFile in a fresh process whose peak
// resident memory (VmHWM) may grow by less than 200 MB over its baseline. The image alone would
// take 144 MB as gray bytes, 576 MB as RGBA and 576 MB as float32.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SIDE = 12000;
const internal = new URL('../dist/internal.js', import.meta.url).href;
const entry = new URL('../dist/node/index.js', import.meta.url).href;

function child(script, args) {
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script, ...args], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').pop());
}

test('a 12000 × 12000 PNG goes through convolveFile with RSS growing by less than 200 MB, zlib on the pool and on the thread', () => {
  if (!existsSync('/proc/self/status')) return; // VmHWM is Linux's
  const dir = mkdtempSync(join(tmpdir(), 'conv2d-memory-'));
  try {
    const input = join(dir, 'big.png');
    child(`
      const { openSync, writeSync, closeSync } = await import('node:fs');
      const { PngRowWriter, encodeSettings, nodePng } = await import(${JSON.stringify(internal)});
      const side = ${SIDE};
      const fd = openSync(process.argv[1], 'w');
      const writer = new PngRowWriter(side, side, 1, encodeSettings({}), nodePng.nodeIdatDeflater, (b) => writeSync(fd, b));
      const row = new Uint8Array(side);
      let seed = 1;
      for (let y = 0; y < side; y++) {
        for (let x = 0; x < side; x++) {
          seed = (seed * 1103515245 + 12345) >>> 0;
          row[x] = ((x >> 3) + (y >> 2) + (seed >>> 29)) & 255; // smooth gradients with a little noise
        }
        writer.row(row);
        if (y % 256 === 255) await writer.drained();
      }
      writer.end();
      await writer.finished;
      closeSync(fd);
      console.log('{}');`, [input]);
    assert.ok(statSync(input).size > 1e6, 'the input was written');
    // zlib on Node's thread pool (convolveFile), and on the calling thread (as convolveFiles'
    // workers run it once every core has one).
    for (const thread of [false, true]) {
      const result = child(`
        const { readFileSync } = await import('node:fs');
        const { kernels } = await import(${JSON.stringify(entry)});
        const { convolveFileWith } = await import(${JSON.stringify(internal)});
        const peak = () => Number(/VmHWM:\\s+(\\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))[1]) * 1024;
        const before = peak();
        const result = await convolveFileWith(process.argv[1], process.argv[2], kernels.box(5), { grayscale: true, padding: 'same', border: 'reflect' }, ${thread});
        console.log(JSON.stringify({ before, after: peak(), result }));`, [input, join(dir, 'out.png')]);
      const how = thread ? 'zlib on the thread' : 'zlib on the pool';
      assert.ok(result.result.streamed, `${how}: streamed`);
      assert.equal([result.result.width, result.result.height], [SIDE, SIDE]);
      const growth = result.after - result.before;
      assert.ok(growth < 200 * 2 ** 20, `${how}: peak RSS grew by ${(growth / 2 ** 20).toFixed(0)} MB`);
      console.log(`    (${how}: peak RSS grew by ${(growth / 2 ** 20).toFixed(0)} MB)`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
