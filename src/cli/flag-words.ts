/**
 * The CLI speaks in flags: library messages name arguments by their API paths
 * (`options.limitInputPixels`, `batch.jobs`, `kernel[0][2]`), which a command-line user never
 * typed. `inFlagWords` rewrites them, and `printable` escapes control characters in file names so
 * that a name cannot rewrite the terminal.
 */

/** API argument paths and the flags that set them, longest first so prefixes never win early. */
const FLAGS: readonly [RegExp, string][] = [
  [/\b(?:options|batch)\.limitInputPixels\b/g, '--limit-input-pixels'],
  [/\boptions\.padding(?:\.\w+|\[\d\])?/g, '--padding'],
  [/\boptions\.stride(?:\[\d\])?/g, '--stride'],
  [/\boptions\.dilation(?:\[\d\])?/g, '--dilation'],
  [/\boptions\.border\b/g, '--border'],
  [/\boptions\.mode\b/g, '--mode'],
  [/\boptions\.cval\b/g, '--cval'],
  [/\boptions\.method\b/g, '--method'],
  [/\b(?:options|batch)\.weights(?:\[\d\])?/g, '--weights'],
  [/\b(?:options|batch)\.quality\b/g, '--quality'],
  [/\bbatch\.jobs\b/g, '--jobs'],
  [/\bbatch\.outDir\b/g, '--out-dir'],
  [/\bbatch\.suffix\b/g, '--suffix'],
  [/\bbatch\.map\b|\boptions\.map\b/g, '--map'],
  [/(?<=for )kernel((?:\[\d+\]|\.\w+)*)/g, '-k (kernel$1)'],
];

/**
 * A library message with every API argument path replaced by its flag.
 * @example
 * inFlagWords('Expected an integer from 1 to 1024 for batch.jobs but received 5000 (number)')
 * // 'Expected an integer from 1 to 1024 for --jobs but received 5000 (number)'
 */
export function inFlagWords(message: string): string {
  let text = message;
  for (const [path, flag] of FLAGS) text = text.replace(path, flag);
  // "raise --limit-input-pixels, or set it to false" is the API's remedy; the flag's is 0.
  return text.replace(/set it to false/g, 'set it to 0 (no limit)').replace(/; use "direct"/g, '; use --method direct');
}

/**
 * `text` with control characters (C0, DEL, C1) shown as escapes, so a file name cannot move the
 * cursor, clear the screen or set the terminal's title.
 * @example
 * printable('a\x1b[2Jb.png') // 'a\\x1b[2Jb.png'
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\t') return '\\t';
    if (c === '\r') return '\\r';
    return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
}
