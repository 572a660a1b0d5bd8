/**
 * Padded input rows, a band at a time. A band is a run of rows of the padded image P (the
 * contract's numpy.pad result) for one channel, as float32, `padW` wide, in linear memory.
 * Only the rows a band of outputs reads are ever built, so memory stays small for any image.
 */
import { borderMap } from '../convolve/border.js';
import type { ConvolvePlan } from '../convolve/options.js';
import type { Image } from '../types.js';
import { addressIn, fresh, type ModuleExports, type Layout, type PadFn, type Ptr } from './instance.js';
import { setRow } from './shared-copy.js';

export class BandSource {
  readonly padW: number;
  readonly padH: number;
  readonly planePtr: Ptr;
  private readonly rowMap: Int32Array;
  private readonly colMap: Int32Array;
  private readonly cval: number;
  private readonly left: number;
  private readonly colMapPtr: Ptr;
  private readonly rowMapPtr: Ptr;
  /** Where the staged rows are, or the caller's image itself when it lives in linear memory. */
  private readonly srcPtr: Ptr;
  /** The image lives in linear memory (allocImage): bands are padded from it with no copy in. */
  private readonly inPlace: boolean;
  private count = 0;
  /** One float32 channel: copied straight into the plane (`fillOneChannel`). */
  private readonly direct: boolean;

  /**
   * Reserves room in `layout` for bands of up to `maxRows` padded rows. With `gray`, the planes are
   * the BT.601 gray of 8-bit RGB(A) pixels (toGrayscale's values), one channel. `image.data` may be
   * a window of rows starting at source row `sourceRow0` (streaming); `image.height` is the whole.
   */
  constructor(private readonly image: Image, plan: ConvolvePlan, layout: Layout, maxRows: number, private readonly gray = false,
    private readonly sourceRow0 = 0) {
    const { width: W, height: H, channels: C, data } = image;
    this.padW = W + plan.left + plan.right;
    this.padH = H + plan.top + plan.bottom;
    this.rowMap = borderMap(H, plan.top, plan.bottom, plan.border);
    this.colMap = borderMap(W, plan.left, plan.right, plan.border);
    this.cval = Math.fround(plan.cval);
    this.left = plan.left;
    this.colMapPtr = layout.take(this.padW * 4);
    this.rowMapPtr = layout.take(maxRows * 4);
    this.planePtr = layout.take(maxRows * this.padW * 4);
    // Integer and multi-channel input is copied in raw, one source row per padded row, and converted
    // (de-interleaved) in WASM: a typed-array copy that converts bytes to float32 runs element by
    // element in JavaScript and cost more than the 3×3 convolution of the same rows.
    const address = addressIn(data);
    this.inPlace = address >= 0;
    this.direct = !this.inPlace && C === 1 && data instanceof Float32Array;
    this.srcPtr = this.inPlace ? address : this.direct ? 0 : layout.take(maxRows * W * C * data.BYTES_PER_ELEMENT);
  }

  /** Call once after memory is reserved: writes the column map. */
  prepare(wasm: ModuleExports): void {
    new Int32Array(wasm.memory.buffer, this.colMapPtr, this.padW).set(this.colMap);
  }

  /**
   * Makes `count` padded rows ready: first, first + step, first + 2·step... (step > 1 gathers only
   * the rows a widely strided or dilated kernel reads). One channel is built here and then;
   * several channels are staged raw, and `channel(c)` builds each.
   */
  load(wasm: ModuleExports, first: number, count: number, step = 1): void {
    const { width: W, channels: C } = this.image;
    const data = fresh(this.image.data);
    const buffer = wasm.memory.buffer;
    this.count = count;
    if (this.direct) {
      this.fillOneChannel(wasm, first, count, step);
      return;
    }
    const rowBytes = W * C * data.BYTES_PER_ELEMENT;
    const src = new Uint8Array(buffer, this.srcPtr, this.inPlace ? 0 : count * rowBytes);
    const whole = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const bandRowMap = new Int32Array(buffer, this.rowMapPtr, count);
    for (let r = 0; r < count; r++) {
      const row = this.rowMap[first + r * step];
      const from = row - this.sourceRow0; // in the window of rows the caller holds
      // In place, the row map points into the caller's rows; else at the row staged here.
      bandRowMap[r] = row < 0 ? -1 : this.inPlace ? from : r;
      if (row >= 0 && !this.inPlace) setRow(src, whole.subarray(from * rowBytes, (from + 1) * rowBytes), r * rowBytes);
    }
  }

  /** Builds channel `c` of the loaded rows into the plane (a no-op for one float32 channel). */
  channel(wasm: ModuleExports, c: number): void {
    const { width: W, channels: C, data } = this.image;
    if (this.direct) return;
    if (this.gray) {
      wasm.grayPlaneU8(this.srcPtr, W, C, this.rowMapPtr, this.count, this.colMapPtr, this.padW, this.cval, this.planePtr, this.left);
      return;
    }
    const pad: PadFn = data instanceof Float32Array ? wasm.padPlaneF32 : data instanceof Uint16Array ? wasm.padPlaneU16 : wasm.padPlaneU8;
    pad(this.srcPtr, W, C, c, this.rowMapPtr, this.count, this.colMapPtr, this.padW, this.cval, this.planePtr, this.left);
  }

  /**
   * One channel, straight from the caller's array: each run of consecutive source rows is one
   * typed-array copy (converting to float32), staged packed at the start of the plane; WASM then
   * spreads the rows to their padded place and fills the border columns from the column map, and
   * constant rows with cval (`expandRows`). One copy per run instead of one per row: a per-row copy
   * of a 1024-wide image cost about as much again as the bytes it moved.
   */
  private fillOneChannel(wasm: ModuleExports, first: number, count: number, step: number): void {
    const { width: W } = this.image;
    const data = fresh(this.image.data);
    const { rowMap } = this;
    const buffer = wasm.memory.buffer;
    const staged = new Float32Array(buffer, this.planePtr, count * W);
    const bandRowMap = new Int32Array(buffer, this.rowMapPtr, count);
    for (let r = 0; r < count;) {
      const from = rowMap[first + r * step];
      bandRowMap[r] = from;
      if (from < 0) {
        r++;
        continue;
      }
      let n = 1;
      while (r + n < count && rowMap[first + (r + n) * step] === from + n) bandRowMap[r + n++] = from;
      setRow(staged, data.subarray((from - this.sourceRow0) * W, (from - this.sourceRow0 + n) * W), r * W);
      r += n;
    }
    wasm.expandRows(this.planePtr, count, W, this.padW, this.left, this.rowMapPtr, this.colMapPtr, this.cval);
  }
}
