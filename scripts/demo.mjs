// `npm run demo`: bundles demo/ into out/demo/ (with the sample photo) and serves it on
// localhost, printing the URL. Everything the page needs is in that folder, so it works offline.
//   node scripts/demo.mjs [--port N] [--build-only]
// Tests import buildDemo() and serve() to drive the same page in Chromium.
import { build } from 'esbuild';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { serve } from './static-server.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Builds the demo into `outDir` (default out/demo) and returns that folder. Needs `npm run build` first. */
export async function buildDemo(outDir = `${root}out/demo`) {
  mkdirSync(outDir, { recursive: true });
  await build({
    entryPoints: [`${root}demo/main.js`],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    minify: true,
    sourcemap: true,
    outfile: `${outDir}/main.js`,
    logLevel: 'warning',
  });
  // Copied by content, not with copyFile, which would carry over a read-only mode.
  const copy = (from, to) => writeFileSync(`${outDir}/${to}`, readFileSync(`${root}${from}`));
  copy('demo/index.html', 'index.html');
  copy('demo/style.css', 'style.css');
  copy('assets/astronaut.png', 'astronaut.png');
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
