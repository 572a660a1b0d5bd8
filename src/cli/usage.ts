/**
 * The words of the CLI: `--help` text, the version, and the usage error that exits with status 2.
 */
import { LINE_INTERVAL } from './progress.js';

export { version } from '../node/version.js';

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
 * The `--help` text; `cores` is shown as the default of `--jobs`.
 * @example
 * process.stdout.write(usage(os.availableParallelism()));
 */
export function usage(cores: number): string {
  return `Usage: conv2d IN... [options]

Convolve PNG and JPEG images with a 2-D kernel and write the results as PNG
(or JPEG, for an output named .jpg or .jpeg).
By default each image is converted to grayscale (BT.601), convolved with the
'edge' kernel and written next to the input as <stem>-<kernel>.png.
Each IN is an image file (PNG or JPEG, told apart by content), a directory
(every *.png, *.jpg, *.jpeg below it, recursively; names starting with '.'
are left out), a quoted glob pattern ('shots/**/*.jpg'), or - for standard
input (with -o FILE or -o -).

Options:
  -k, --kernel SPEC   the kernel (default: edge), one of
                        a name: identity, sobelX, sobelY, scharrX, scharrY,
                          prewittX, prewittY, laplacian, laplacian8, edge,
                          sharpen, emboss
                        box:N               N×N mean filter
                        gaussian:SIGMA[,N]  Gaussian, N×N (default N covers ±4σ)
                        '[[0,1,0],[1,-4,1],[0,1,0]]'  a JSON array of rows
                        @FILE.json          the same JSON, read from FILE.json
  -o, --output FILE   write to FILE (only with exactly one input file); the
                      format follows the extension (.png, .jpg, .jpeg);
                      -o - writes PNG to standard output
      --out-dir DIR   write into DIR (created if needed): a file IN as
                      DIR/<file name>; the files found in a directory or by a
                      pattern keep their path below it (photos/a/b.png ->
                      DIR/a/b.png). The output directory is never read.
                      Without -o or --out-dir: <stem>-<kernel>.png next to each
                      input (photo.png -> photo-edge.png, photo-box5.png,
                      photo-gaussian1.5x7.png, photo-custom.png for JSON); a
                      directory walk then leaves out files already named so.
                      An input file is never overwritten.
      --suffix=S      add S to each output's stem (default: -<kernel>, or
                      nothing with --out-dir): --suffix=-blur -> photo-blur.png
      --skip-existing leave inputs whose output exists alone (resumes a run)
      --padding P     N pixels on every side, or same, valid or full
                      (default: same, so outputs keep the input's size)
      --stride N|Y,X  step between output pixels (default: 1)
      --dilation N|Y,X
                      spacing between kernel taps (default: 1)
      --border MODE   how the padding is filled: constant (zeros), edge,
                      reflect, symmetric or wrap, as numpy.pad names them
                      (default: reflect, which looks best on photos; note the
                      library's own default is constant)
      --cval V        the value of constant padding (default: 0)
      --mode MODE     convolution (kernel rotated 180°; default) or correlation
      --method M      auto (default), direct, separable (rank-1 kernels only)
                      or fft: how the sums are computed; all give the same
                      result to float32 rounding
      --map MAP       how results become 8-bit pixels: clamp (round, clip to
                      0..255; default), abs (|v| then clamp) or normalize
                      (stretch min..max to 0..255)
      --color         convolve R, G and B separately and write an RGB PNG
                      (alpha is dropped: convolving it would make edge images
                      transparent); default: one gray channel
      --weights W     grayscale weights: bt601 (default, as OpenCV), bt709,
                      or three numbers R,G,B
      --quality Q     quality of JPEG outputs, 1-100 (default: 80)
      --depth D       8 (default) or 16: read 16-bit PNGs as stored (8-bit
                      files times 257) and write 16-bit PNGs
      --gradient OP   instead of convolving: the gradient magnitude of the
                      gray, OP sobel or scharr (cv2.Sobel / cv2.Scharr, border
                      --border), written through --map; with
        --ksize N       Sobel aperture 1, 3, 5 or 7 (default 3)
        --norm L1|L2    |gx| + |gy| or sqrt(gx² + gy²) (default L2)
      --canny LOW,HIGH  instead of convolving: Canny's 0/255 edge map of the
                      gray, the very pixels of cv2.Canny; with
        --ksize N       Sobel aperture 3, 5 or 7 (default 3)
        --l2            the L2 gradient norm (cv2.Canny's L2gradient)
                      Outputs are named <stem>-sobel-L2.png, <stem>-canny.png...
  -j, --jobs N        worker threads, two images at once on each
                      (default: number of CPUs, ${cores})
      --limit-input-pixels N
                      largest width × height accepted (default: 16383², as
                      sharp); 0 for no limit. Larger images fail on their own
      --json          print the report as JSON on stdout (instead of the
                      'wrote' lines): per input its output, status and error
  -q, --quiet         no 'wrote' lines and no progress; failures still shown
  -h, --help          show this help and exit
  -V, --version       show the version and exit

Progress goes to stderr: a bar on a terminal, otherwise a line every
${LINE_INTERVAL} seconds, then a summary (none for a single file).

Exit status: 0 every input was written (or skipped); 1 some inputs failed
(each is named on stderr as 'file: reason'; the others are still written);
2 bad usage (nothing is written); 130 interrupted (Ctrl-C: images in progress
are abandoned, no partial file is left, the report so far is printed; run
again with --skip-existing to resume).

Many machines (a BullMQ queue on Redis; each has its own --help):
  conv2d enqueue IN... --out-dir DIR [options] --redis URL
                      add one job per image (the same inputs, options and
                      output names as above); prints the batch id
  conv2d worker --redis URL [--root DIR] [--jobs N]
                      process jobs until SIGTERM or SIGINT
  conv2d status BATCH --redis URL [--wait] [--json]
                      progress of a batch; --wait exits as conv2d does
  --redis may come from the CONV2D_REDIS environment variable.

Examples:
  conv2d photo.png                          writes photo-edge.png
  cat a.jpg | conv2d - -k edge -o - > e.png
  conv2d photo.png -k sobelX --map abs -o edges.png
  conv2d photos/ --out-dir edges/ -k edge --jobs 2
  conv2d 'shots/**/*.png' -k gaussian:2 --color --out-dir blurred --skip-existing
`;
}
