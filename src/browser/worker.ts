/**
 * The Web Worker module for apps that bundle dist/browser/index.js: scripts/build-browser.mjs
 * bundles this file (with the core, and a placeholder for the WASM the page already carries) into
 * one module and stores its text in worker-source.generated.ts, which async.ts starts workers
 * from. Not loaded by URL; async.ts says why.
 */
import { serveTasks } from './serve.js';

serveTasks();
