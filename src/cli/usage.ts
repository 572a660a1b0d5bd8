/**
 * The words of the CLI: `--help` text, the version, and the usage error that exits with status 2.
 */
import { readFileSync } from 'node:fs';

/** The one-line hint printed under every usage error. */
export const HINT = "Try 'conv2d --help'.";

/**
 * A mistake in the command line itself (unknown flag, bad value, no inputs). The CLI prints
 * `conv2d: <message>` and the hint, writes nothing, and exits with status 2.
 * @example
 * throw new UsageError("--stride must be a positive integer, not '0'");
 */
export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * The package version, read from the package.json two levels above this file (`dist/cli/`).
 * @example
 * version() // '0.1.0'
 */
export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/**
 * The `--help` text; `cores` is shown as the default of `--jobs`.
 * @example
 * process.stdout.write(usage(os.availableParallelism()));
 */
export function usage(cores: number): string {
  return `Usage: conv2d IN... [options]

Convolve PNG images with a 2-D kernel and write the results as PNG.
By default each image is converted to grayscale (BT.601), convolved with the
'edge' kernel and written next to the input as <stem>-<kernel>.png.

Options:
  -k, --kernel SPEC   the kernel (default: edge), one of
                        a name: identity, sobelX, sobelY, scharrX, scharrY,
                          prewittX, prewittY, laplacian, laplacian8, edge,
                          sharpen, emboss
                        box:N               N×N mean filter
                        gaussian:SIGMA[,N]  Gaussian, N×N (default N covers ±4σ)
                        '[[0,1,0],[1,-4,1],[0,1,0]]'  a JSON array of rows
                        @FILE.json          the same JSON, read from FILE.json
  -o, --output FILE   write to FILE (only with exactly one input)
      --out-dir DIR   write DIR/<input file name> (DIR is created if needed)
                      Without -o or --out-dir: <stem>-<kernel>.png next to each
                      input (photo.png -> photo-edge.png, photo-box5.png,
                      photo-gaussian1.5x7.png, photo-custom.png for JSON).
                      An input file is never overwritten.
      --padding P     N pixels on every side, or same, valid or full
                      (default: same, so outputs keep the input's size)
      --stride N      step between output pixels (default: 1)
      --border MODE   how the padding is filled: constant (zeros), edge,
                      reflect, symmetric or wrap, as numpy.pad names them
                      (default: reflect, which looks best on photos; note the
                      library's own default is constant)
      --mode MODE     convolution (kernel rotated 180°; default) or correlation
      --map MAP       how results become 8-bit pixels: clamp (round, clip to
                      0..255; default), abs (|v| then clamp) or normalize
                      (stretch min..max to 0..255)
      --color         convolve R, G and B separately and write an RGB PNG
                      (alpha is dropped: convolving it would make edge images
                      transparent); default: one gray channel
  -j, --jobs N        images processed at once (default: number of CPUs, ${cores})
  -h, --help          show this help and exit
      --version       show the version and exit

Exit status: 0 every input was written; 1 some inputs failed (each is named
on stderr as 'file: reason'; the others are still written); 2 bad usage
(nothing is written).

Examples:
  conv2d photo.png                          writes photo-edge.png
  conv2d photo.png -k sobelX --map abs -o edges.png
  conv2d shots/*.png -k gaussian:2 --color --out-dir blurred
`;
}
