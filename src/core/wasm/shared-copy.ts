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

type Typed = Uint8Array | Uint8ClampedArray | Uint16Array | Float32Array;
type TypedCtor = new (buffer: ArrayBuffer, byteOffset: number, length: number) => Typed;

let staging = new ArrayBuffer(0);

const isShared = (a: Typed) => typeof SharedArrayBuffer === 'function' && a.buffer instanceof SharedArrayBuffer;

/** A plain copy of `a`, made with `a`'s alignment modulo 8 (valid until the next call). */
function staged(a: Typed): Typed {
  const shift = a.byteOffset & 7;
  if (staging.byteLength < a.byteLength + 8) staging = new ArrayBuffer(Math.max(a.byteLength + 8, staging.byteLength * 2));
  const copy = new (a.constructor as TypedCtor)(staging, shift, a.length);
  copy.set(a);
  return copy;
}

/** `dst.set(src, offset)`, fast when either side is shared. */
export function setRow(dst: Typed, src: Typed, offset: number): void {
  if (isShared(src)) {
    const sameType = dst.constructor === src.constructor;
    const aligned = ((dst.byteOffset + offset * dst.BYTES_PER_ELEMENT - src.byteOffset) & 7) === 0;
    if (!sameType || !aligned) src = staged(src);
  } else if (isShared(dst) && dst.constructor === src.constructor) {
    const at = dst.byteOffset + offset * dst.BYTES_PER_ELEMENT;
    if (((at - src.byteOffset) & 7) !== 0) {
      // Stage at the destination's alignment: plain copy in, then the fast relaxed copy out.
      const shift = at & 7;
      if (staging.byteLength < src.byteLength + 8) staging = new ArrayBuffer(Math.max(src.byteLength + 8, staging.byteLength * 2));
      const copy = new (src.constructor as TypedCtor)(staging, shift, src.length);
      copy.set(src);
      src = copy;
    }
  }
  dst.set(src, offset);
}
