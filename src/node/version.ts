/** The package version, for the CLI's `--version` and the queue's job ids. */
import { readFileSync } from 'node:fs';

/**
 * The package version, read from the package.json two levels above this file (`dist/node/`).
 * @example
 * version() // '0.1.0'
 */
export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
