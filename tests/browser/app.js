// The app that esbuild and Vite bundle: it imports the package by name, as a user would.
import * as lib from 'conv2d-wasm';

lib.init().then(() => {
  window.lib = lib;
  document.title = 'ready';
});
