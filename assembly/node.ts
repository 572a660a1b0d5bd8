// Node's WebAssembly module: everything browsers load (./index.ts), and the PNG codec's row work
// (./png.ts), which in browsers is JavaScript: it would cost them about 1 KB gzip of download.
export * from './index';
export * from './png';
