/**
 * Row copies to and from SharedArrayBuffers at memcpy speed.
 *
 * V8 copies shared memory with relaxed atomic accesses: 8 bytes at a time when source and
 * destination sit at the same address modulo 8, one byte at a time otherwise (5× slower, measured
 * on a 16 KB row), and converting copies (uint8 → float32) element by element (2.5× slower). So a
 * row that would take a slow route is first copied into a plain staging buffer placed at the
 * shared side's alignment (the fast relaxed copy), then copied or converted from there as plain
 * memory. Plain-to-plain copies go straight through.
 */

import { viewLike } from '../pixels/like.js';
import { isShared } from '../workers/shared-scratch.js';

type Typed = Uint8Array | Uint8ClampedArray | Uint16Array | Float32Array;

let staging = new ArrayBuffer(0);

/** A plain copy of `a` that starts at `shift` bytes past an 8-byte boundary (valid until the next call). */
function stagedAt(a: Typed, shift: number): Typed {
  if (staging.byteLength < a.byteLength + 8) staging = new ArrayBuffer(Math.max(a.byteLength + 8, staging.byteLength * 2));
  const copy = viewLike(a, staging, shift, a.length);
  copy.set(a);
  return copy;
}

/** `dst.set(src, offset)`, fast when either side is shared. */
export function setRow(dst: Typed, src: Typed, offset: number): void {
  const at = dst.byteOffset + offset * dst.BYTES_PER_ELEMENT;
  const aligned = ((at - src.byteOffset) & 7) === 0;
  if (isShared(src)) {
    // Staged at the source's alignment: the fast relaxed copy in, then a plain copy or conversion.
    if (dst.constructor !== src.constructor || !aligned) src = stagedAt(src, src.byteOffset & 7);
  } else if (isShared(dst) && dst.constructor === src.constructor && !aligned) {
    // Staged at the destination's alignment: a plain copy in, then the fast relaxed copy out.
    src = stagedAt(src, at & 7);
  }
  dst.set(src, offset);
}
