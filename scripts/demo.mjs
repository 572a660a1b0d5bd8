// `npm run demo`: bundles demo/ into out/demo/ (with the sample photo) and serves it on
// localhost, printing the URL. Everything the page needs is in that folder, so it works offline.
//   node scripts/demo.mjs [--port N] [--build-only]
// Tests import buildDemo() and serve() to drive the same page in Chromium.
import { build } from 'esbuild';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { serve } from './static-server.mjs';
import { stampedInputs, upToDate, writeStamp } from './lib/up-to-date.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

const COPIED = [['demo/index.html', 'index.html'], ['demo/style.css', 'style.css'], ['assets/astronaut.png', 'astronaut.png']];

/**
 * Builds the demo into `outDir` (default out/demo) and returns that folder. Needs `npm run build` first.
 * The default folder is rebuilt only when a file it was made from changed (a stamp in build/).
 */
export async function buildDemo(outDir = `${root}out/demo`) {
  const stamp = outDir === `${root}out/demo` ? 'demo' : null;
  const outputs = ['main.js', ...COPIED.map(([, to]) => to)].map((name) => `${outDir.slice(root.length)}/${name}`);
  if (stamp && stampedInputs(root, stamp) && upToDate(root, stamp, null, outputs)) return outDir;
  mkdirSync(outDir, { recursive: true });
  const result = await build({
    entryPoints: [`${root}demo/main.js`],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    minify: true,
    sourcemap: true,
    outfile: `${outDir}/main.js`,
    logLevel: 'warning',
    metafile: true,
    absWorkingDir: root,
  });
  // Copied by content, not with copyFile, which would carry over a read-only mode.
  for (const [from, to] of COPIED) writeFileSync(`${outDir}/${to}`, readFileSync(`${root}${from}`));
  if (stamp) writeStamp(root, stamp, [...Object.keys(result.metafile.inputs), ...COPIED.map(([from]) => from)]);
  return outDir;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const portAt = args.indexOf('--port');
  const port = portAt >= 0 ? Number(args[portAt + 1]) : Number(process.env.PORT ?? 8080);
  const dir = await buildDemo();
  if (!args.includes('--build-only')) {
    let server;
    try {
      server = await serve(dir, { port });
    } catch (error) {
      if (error.code !== 'EADDRINUSE') throw error;
      server = await serve(dir, { port: 0 }); // that port is taken: any free one
    }
    console.log(`conv2d-wasm demo: ${server.url}  (serving ${dir}; Ctrl+C to stop)`);
  }
}
