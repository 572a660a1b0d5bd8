// Content stamps for the incremental build (scripts/build.mjs, scripts/demo.mjs): a step records
// the SHA-256 of every file it read in build/<name>.stamp.json and is skipped while those hashes,
// and its outputs, are still there. Hashes, not mtimes, because `git checkout` and `git stash`
// touch files without changing them, and a clean clone has no build/ at all, so it builds everything.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

/** SHA-256 (hex) of a file's bytes, or null when it does not exist. */
export function hashFile(path) {
  try {
    return createHash('sha256').update(readFileSync(path)).digest('hex');
  } catch (error) {
    if (error.code === 'ENOENT') return null;
    throw error;
  }
}

/** Every file under `dir` (recursively) whose name ends with `suffix`, as paths relative to `root`, sorted. */
export function listFiles(root, dir, suffix) {
  const found = [];
  const walk = (at) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(suffix)) found.push(relative(root, path));
    }
  };
  walk(join(root, dir));
  return found.sort();
}

/**
 * True when the stamp `name` lists exactly these `inputs` (paths relative to `root`) with the hashes
 * they have now, the same `extra` (tool versions, options), and every one of `outputs` exists.
 */
export function upToDate(root, name, inputs, outputs, extra = '') {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(join(root, 'build', `${name}.stamp.json`), 'utf8'));
  } catch {
    return false;
  }
  if (stamp.extra !== extra || !outputs.every((p) => existsSync(join(root, p)))) return false;
  const listed = Object.keys(stamp.inputs);
  if (inputs && (listed.length !== inputs.length || inputs.some((p) => !(p in stamp.inputs)))) return false;
  return listed.every((p) => stamp.inputs[p] === hashFile(join(root, p)));
}

/** Inputs the stamp `name` recorded last time (for steps that learn their inputs by running, like esbuild). */
export function stampedInputs(root, name) {
  try {
    return Object.keys(JSON.parse(readFileSync(join(root, 'build', `${name}.stamp.json`), 'utf8')).inputs);
  } catch {
    return null;
  }
}

/** Records `inputs` (paths relative to `root`) with their current hashes, and `extra`, as the stamp `name`. */
export function writeStamp(root, name, inputs, extra = '') {
  const hashes = Object.fromEntries(inputs.map((p) => [p, hashFile(join(root, p))]));
  mkdirSync(join(root, 'build'), { recursive: true });
  writeFileSync(join(root, 'build', `${name}.stamp.json`), `${JSON.stringify({ extra, inputs: hashes }, null, 1)}\n`);
}

/**
 * Writes `content` to `path` only if it differs from what is there, so an unchanged generated file
 * keeps its mtime and `tsc -b` still sees the project as up to date. Returns whether it wrote.
 */
export function writeIfChanged(path, content) {
  const bytes = typeof content === 'string' ? Buffer.from(content) : Buffer.from(content.buffer, content.byteOffset, content.byteLength);
  try {
    if (readFileSync(path).equals(bytes)) return false;
  } catch (error) {
    if (error.code !== 'ENOENT') throw error;
  }
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, bytes);
  return true;
}
