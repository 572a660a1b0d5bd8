// The README is also the package's page on npm, where relative links point nowhere (the tarball
// holds dist/, README.md and package.json only): every link must be absolute or an anchor.
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const PKG = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

test('README links work on npm: absolute URLs or anchors to its own headings', () => {
  const links = [...README.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]);
  assert.ok(links.length > 10, `found ${links.length} links`);
  const headings = new Set([...README.matchAll(/^#+ (.+)$/gm)].map((m) => m[1].toLowerCase().replace(/[^\w\- ]/g, '').replace(/ /g, '-')));
  for (const link of links) {
    if (link.startsWith('#')) assert.ok(headings.has(link.slice(1)), `anchor ${link} names a heading`);
    else assert.match(link, /^https:\/\//, `absolute: ${link}`);
  }
});

test('package.json names the repository, homepage and issue tracker the README links to', () => {
  assert.is(PKG.repository.url, 'git+https://github.com/conv2d-wasm/conv2d-wasm.git');
  assert.match(PKG.homepage, /^https:\/\/github\.com\/conv2d-wasm\/conv2d-wasm/);
  assert.match(PKG.bugs.url, /^https:\/\/github\.com\/conv2d-wasm\/conv2d-wasm\/issues$/);
  const own = README.match(/https:\/\/github\.com\/conv2d-wasm\/conv2d-wasm\/[^\s)]+/g) ?? [];
  assert.ok(own.length > 3, 'the README links files by their repository URL');
});

test('README says the package is ESM-only, with the require(esm) note', () => {
  assert.match(README, /ESM-only/);
  assert.match(README, /require\('conv2d-wasm'\)` works on Node ≥ 20\.19/);
});

test.run();
