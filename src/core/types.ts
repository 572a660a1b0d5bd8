/**
 * Public types shared by every entry point (Node, browser, CLI).
 * Start here: an `Image` is a row-major, channel-interleaved pixel buffer.
 */

/** Pixel storage accepted by the library. */
export type PixelData = Uint8Array | Uint8ClampedArray | Uint16Array | Float32Array;

/**
 * An image: `data[(y * width + x) * channels + c]` is channel `c` of pixel (x, y),
 * and `data.length === width * height * channels`.
 */
export interface Image<D extends PixelData = PixelData> {
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
  data: D;
}

/** A kernel as rows of equal length. */
export type KernelRows = ReadonlyArray<ReadonlyArray<number>>;

/** A kernel as a flat row-major buffer. */
export interface KernelData {
  width: number;
  height: number;
  data: ArrayLike<number>;
}

/** Either kernel form. */
export type Kernel = KernelRows | KernelData;

/** Border modes, named as `numpy.pad` names them. */
export type BorderMode = 'constant' | 'edge' | 'reflect' | 'symmetric' | 'wrap';

/** Explicit padding on each side, in pixels. */
export interface PaddingSides {
  top?: number;
  bottom?: number;
  left?: number;
  right?: number;
}

/** Padding: all sides, `[vertical, horizontal]`, per side, or a named rule. */
export type Padding = number | readonly [number, number] | PaddingSides | 'valid' | 'same' | 'full';

/** Options of `convolve2d`. */
export interface ConvolveOptions {
  /** Pixels added around the image before the kernel slides (default 0). */
  padding?: Padding;
  /** Step between output samples: one number or `[sy, sx]` (default 1). */
  stride?: number | readonly [number, number];
  /** Spacing between kernel taps: one number or `[dy, dx]` (default 1). */
  dilation?: number | readonly [number, number];
  /** `"convolution"` rotates the kernel 180° (default); `"correlation"` does not. */
  mode?: 'convolution' | 'correlation';
  /** How padded pixels are filled (default `"constant"`). */
  border?: BorderMode;
  /** The fill value for `border: "constant"` (default 0). */
  cval?: number;
  /**
   * How to compute (default `"auto"`): `"direct"` sums every tap; `"separable"` runs a vertical
   * then a horizontal 1-D pass and needs a rank-1 kernel (Gaussian, box, Sobel...; it falls back
   * to `"direct"` where its intermediate would overflow float32); `"fft"`
   * correlates tiles through the 2-D DFT (for large kernels; it falls back to `"direct"` for
   * images with NaN, ±Infinity or a range so wide its rounding would show); `"auto"` picks the
   * fastest that applies by a calibrated cost model. All give the definition's result to float32
   * rounding.
   */
  method?: 'auto' | 'direct' | 'separable' | 'fft';
  /**
   * A Float32Array of length outH·outW·channels to write the result into (and return as `data`),
   * so batch jobs can reuse one buffer. It must not overlap `image.data`.
   */
  out?: Float32Array;
  /**
   * Largest width × height accepted for the image and for the output (default 268402689 =
   * 16383², as in sharp); `false` for no limit.
   */
  limitInputPixels?: number | boolean;
}

/** Options of `convolve2dAsync`: those of `convolve2d`, plus how many threads may share the call. */
export interface ConvolveAsyncOptions extends ConvolveOptions {
  /** Worker threads (Node) or Web Workers (browsers) one call may use (default: all cores). */
  threads?: number;
}

/** Grayscale weights: a standard's name or explicit `[r, g, b]`. */
export type GrayWeights = 'bt601' | 'bt709' | readonly [number, number, number];

/** Options of `toGrayscale`. */
export interface GrayscaleOptions {
  weights?: GrayWeights;
}

/** How `toUint8` maps values to 0..255. */
export type Uint8Map = 'clamp' | 'abs' | 'normalize';

/** Options of `toUint8`. */
export interface Uint8Options {
  map?: Uint8Map;
}
