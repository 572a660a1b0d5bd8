// Reads tests/fixtures/edges-cases.json (scripts/fixtures/make_edge_fixtures.py): images as bytes,
// Canny maps as bits, both base64.
import { readFileSync } from 'node:fs';

export const edgeFixtures = JSON.parse(readFileSync(new URL('./fixtures/edges-cases.json', import.meta.url), 'utf8'));

const bytes = (text) => Uint8Array.from(Buffer.from(text, 'base64'));

/** A fixture image by name, as a one-channel 8-bit Image. */
export function fixtureImage(name) {
  const { width, height, data } = edgeFixtures.images[name];
  return { width, height, channels: 1, data: bytes(data) };
}

/** A fixture edge map (bits, most significant first) as 0/255 bytes of `length`. */
export function unpackEdges(text, length) {
  const packed = bytes(text);
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (packed[i >> 3] >> (7 - (i & 7))) & 1 ? 255 : 0;
  return out;
}

/** Where two 0/255 maps differ: a count and the first few (x, y) for a readable failure. */
export function edgeDiff(got, want, width) {
  const at = [];
  let count = 0;
  for (let i = 0; i < want.length; i++) {
    if (got[i] === want[i]) continue;
    if (count++ < 5) at.push(`(${i % width}, ${Math.floor(i / width)}) got ${got[i]} want ${want[i]}`);
  }
  return count === 0 ? '' : `${count} pixels differ, first ${at.join('; ')}`;
}
