// Draws docs/architecture.svg: the layers (boxes, imports pointing down) and the path of one
// `convolve2d` call from the public function to the WebAssembly loop. Run `node
// scripts/architecture-diagram.mjs` after a change to the layout; the picture is data below,
// so it stays a diff away from the code it describes.
import { writeFileSync } from 'node:fs';

const layers = [
  { name: 'src/cli/', note: 'the conv2d command: flags, exit codes, progress' },
  { name: 'src/node/  ·  src/browser/', note: 'PNG files, batch/, worker threads  ·  canvas, Blob, Web Workers' },
  { name: 'src/core/', note: 'convolve/  pixels/  png/  workers/  wasm/  (platform-free)' },
  { name: 'assembly/', note: 'pad.ts  direct.ts  fft.ts  pixels.ts  →  one .wasm' },
];
const call = [
  ['convolve2d', 'core/convolve/convolve.ts'],
  ['prepare', 'core/convolve/prepare.ts: checkImage, checkKernel, planConvolution'],
  ['convolveWasm → choosePath', 'core/wasm/paths.ts: cost model, path safety'],
  ['convolveDirect / convolveFft', 'core/wasm/direct.ts, fft.ts: a band of rows at a time'],
  ['BandSource', 'core/wasm/band.ts: rows copied into linear memory, padded'],
  ['convolvePlane', 'assembly/direct.ts: the SIMD sum, taps in row-major order'],
];

const W = 980, boxW = 420, boxH = 58, gap = 26, left = 20, right = 520;
const H = Math.max(layers.length * (boxH + gap), call.length * (boxH - 8 + gap - 6)) + 80;
const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const parts = [];
const text = (x, y, s, size, weight = 'normal', fill = '#222') =>
  parts.push(`<text x="${x}" y="${y}" font-family="sans-serif" font-size="${size}" font-weight="${weight}" fill="${fill}">${esc(s)}</text>`);
const arrow = (x, y1, y2) => parts.push(`<line x1="${x}" y1="${y1}" x2="${x}" y2="${y2}" stroke="#555" stroke-width="1.5" marker-end="url(#head)"/>`);

text(left, 28, 'Layers (imports point down only)', 16, 'bold');
layers.forEach((layer, i) => {
  const y = 44 + i * (boxH + gap);
  parts.push(`<rect x="${left}" y="${y}" width="${boxW}" height="${boxH}" rx="6" fill="#eef3fb" stroke="#5b7db1"/>`);
  text(left + 12, y + 24, layer.name, 15, 'bold', '#1d3a6b');
  text(left + 12, y + 44, layer.note, 12);
  if (i < layers.length - 1) arrow(left + boxW / 2, y + boxH, y + boxH + gap - 2);
});
text(right, 28, 'One convolve2d call', 16, 'bold');
const cH = boxH - 8, cGap = gap - 6;
call.forEach(([fn, where], i) => {
  const y = 44 + i * (cH + cGap);
  parts.push(`<rect x="${right}" y="${y}" width="${W - right - 20}" height="${cH}" rx="6" fill="${i === call.length - 1 ? '#fbefe6' : '#f3f7ee'}" stroke="${i === call.length - 1 ? '#b1765b' : '#6b9b4f'}"/>`);
  text(right + 12, y + 21, fn, 14, 'bold');
  text(right + 12, y + 39, where, 12);
  if (i < call.length - 1) arrow(right + (W - right - 20) / 2, y + cH, y + cH + cGap - 2);
});

const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">
<defs><marker id="head" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>
<rect width="100%" height="100%" fill="#fff"/>
${parts.join('\n')}
</svg>
`;
writeFileSync(new URL('../docs/architecture.svg', import.meta.url), svg);
console.log('wrote docs/architecture.svg');
