/**
 * The edge-detection flags: `--gradient sobel|scharr [--ksize N] [--norm L1|L2]` (writes the
 * gradient magnitude, through --map) and `--canny LOW,HIGH [--ksize N] [--l2]` (writes the edge
 * map). They replace the convolution, so flags that only shape a convolution are refused with them.
 */
import type { BatchEdges } from '../node/index.js';
import { UsageError } from './usage.js';

/** The flags this file reads, as node:util parseArgs declares them. */
export const EDGE_FLAGS = {
  gradient: { type: 'string' },
  canny: { type: 'string' },
  ksize: { type: 'string' },
  norm: { type: 'string' },
  l2: { type: 'boolean' },
} as const;

interface EdgeValues {
  gradient?: string;
  canny?: string;
  ksize?: string;
  norm?: string;
  l2?: boolean;
  kernel?: string;
  padding?: string;
  stride?: string;
  mode?: string;
  color?: boolean;
  border?: string;
  map?: string;
}

const NUMBER = /^(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/**
 * The edge job the flags ask for (and the name used in default output names), or undefined when
 * neither --gradient nor --canny is given. Throws `UsageError` naming the flag at fault.
 * @example
 * parseEdgeFlags({ canny: '50,150', l2: true }) // { edges: { canny: { low: 50, high: 150, ksize: 3, L2gradient: true } }, name: 'canny' }
 */
export function parseEdgeFlags(values: EdgeValues): { edges: BatchEdges; name: string } | undefined {
  if (values.gradient === undefined && values.canny === undefined) {
    for (const flag of ['ksize', 'norm', 'l2'] as const) {
      if (values[flag] !== undefined) throw new UsageError(`--${flag} needs --gradient or --canny`);
    }
    return undefined;
  }
  const which = values.gradient !== undefined ? '--gradient' : '--canny';
  if (values.gradient !== undefined && values.canny !== undefined) throw new UsageError('use either --gradient or --canny, not both');
  const refused: [keyof EdgeValues, string][] = [['kernel', '-k/--kernel'], ['padding', '--padding'], ['stride', '--stride'],
    ['mode', '--mode'], ['color', '--color']];
  if (values.canny !== undefined) refused.push(['border', '--border'], ['map', '--map'], ['norm', '--norm']);
  else refused.push(['l2', '--l2']);
  for (const [key, flag] of refused) {
    if (values[key] !== undefined) throw new UsageError(`${flag} does not apply to ${which}`);
  }
  if (values.gradient !== undefined) {
    const operator = values.gradient;
    if (operator !== 'sobel' && operator !== 'scharr') throw new UsageError(`--gradient must be sobel or scharr, not '${operator}'`);
    if (operator === 'scharr' && values.ksize !== undefined) throw new UsageError('--ksize does not apply to --gradient scharr (it is 3×3)');
    const ksize = values.ksize === undefined ? 3 : ksizeOf(values.ksize, [1, 3, 5, 7], '--gradient sobel');
    const norm = values.norm ?? 'L2';
    if (norm !== 'L1' && norm !== 'L2') throw new UsageError(`--norm must be L1 or L2, not '${norm}'`);
    const gradient = operator === 'scharr' ? { operator, norm } : { operator, ksize, norm };
    return { edges: { gradient: gradient as { operator: 'sobel'; ksize: 1 | 3 | 5 | 7; norm: 'L1' | 'L2' } }, name: `${operator}-${norm}` };
  }
  const text = values.canny as string;
  const parts = text.split(',');
  if (parts.length !== 2 || !parts.every((p) => NUMBER.test(p))) {
    throw new UsageError(`--canny needs two thresholds LOW,HIGH such as 50,150, not '${text}'`);
  }
  const [low, high] = parts.map(Number);
  if (!(high <= 2147483647)) throw new UsageError(`--canny thresholds must be at most 2147483647, not '${text}'`);
  const ksize = values.ksize === undefined ? 3 : ksizeOf(values.ksize, [3, 5, 7], '--canny');
  return { edges: { canny: { low, high, ksize: ksize as 3 | 5 | 7, L2gradient: values.l2 === true } }, name: 'canny' };
}

function ksizeOf(text: string, allowed: number[], what: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !allowed.includes(n)) {
    throw new UsageError(`--ksize must be ${allowed.join(', ').replace(/, (\d+)$/, ' or $1')} with ${what}, not '${text}'`);
  }
  return n;
}
