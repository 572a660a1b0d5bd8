// The demo page: load a picture, pick or type a kernel, set the options, and see the input and the
// output side by side with the time of the WebAssembly path against the plain TypeScript
// reference. scripts/demo.mjs bundles this file with esbuild; everything runs offline.
//
// For tests, <body data-state> says "loading", "running", "done" or "error"; data-runs counts
// finished runs and data-timed the last run whose timings are all shown.
import {
  convolve2d, convolve2dAsync, fromBlob, init, kernels, toBlob, toGrayscale, toImageData, toUint8,
} from '../dist/browser/index.js';
import { referenceConvolve2d } from '../dist/core/convolve/reference.js';

const $ = (id) => document.getElementById(id);
const ui = {
  sample: $('sample'), file: $('file'), grayscale: $('grayscale'),
  kernel: $('kernel'), paramLabel: $('param-label'), paramName: $('param-name'), param: $('param'), matrix: $('matrix'),
  padding: $('padding'), paddingPixelsLabel: $('padding-pixels-label'), paddingPixels: $('padding-pixels'),
  stride: $('stride'), dilation: $('dilation'), border: $('border'), cval: $('cval'), mode: $('mode'), map: $('map'),
  input: $('input'), inputCaption: $('input-caption'), output: $('output'), outputCaption: $('output-caption'),
  status: $('status'), timeWasm: $('time-wasm'), timeReference: $('time-reference'), timeAsync: $('time-async'),
  workers: $('workers'), download: $('download'), drop: $('drop'),
};

const PARAMS = { box: { name: 'n', value: 5, step: 1, min: 1 }, gaussian: { name: 'σ', value: 2, step: 0.1, min: 0.1 } };
let source; // the loaded picture, RGBA
let sourceName = '';
let runs = 0;
let generation = 0; // a newer run makes older ones stop reporting

function setState(state) {
  document.body.dataset.state = state;
}

function showStatus(text, isError = false) {
  ui.status.textContent = text;
  ui.status.classList.toggle('error', isError);
}

const ms = (t) => (t < 10 ? `${t.toFixed(2)} ms` : `${t.toFixed(1)} ms`);

/** Shows a kernel's matrix in the textarea, one row per line. */
function showMatrix(rows) {
  const fmt = (v) => (Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6))));
  ui.matrix.value = `[\n${rows.map((r) => `  [${r.map(fmt).join(', ')}]`).join(',\n')}\n]`;
  ui.matrix.classList.remove('invalid');
}

/** The kernel the controls describe: a named one (with its parameter) or the typed matrix. */
function currentKernel() {
  const name = ui.kernel.value;
  if (name === 'custom') {
    try {
      const rows = JSON.parse(ui.matrix.value);
      ui.matrix.classList.remove('invalid');
      return rows;
    } catch (error) {
      ui.matrix.classList.add('invalid');
      throw new SyntaxError(`The kernel is not valid JSON: ${error.message}`);
    }
  }
  if (name in PARAMS) return kernels[name](Number(ui.param.value));
  return kernels[name];
}

/** A new kernel was picked: its parameter field gets that kernel's default, and the matrix is shown. */
function onKernelChange() {
  const name = ui.kernel.value;
  const param = PARAMS[name];
  ui.paramLabel.hidden = !param;
  if (param) {
    ui.paramName.textContent = param.name;
    Object.assign(ui.param, { value: param.value, step: param.step, min: param.min });
  }
  showKernelMatrix();
}

/** The matrix of the named kernel as the controls describe it (after the parameter was edited, too). */
function showKernelMatrix() {
  if (ui.kernel.value === 'custom') return;
  try {
    showMatrix(currentKernel());
  } catch {} // a parameter the library refuses: run() shows its message
}

/** After an error nothing of the previous result stays on screen: output, caption, timings, download. */
function clearResult() {
  ui.output.width = ui.output.height = 0;
  ui.outputCaption.textContent = '';
  ui.timeWasm.textContent = ui.timeReference.textContent = ui.timeAsync.textContent = '–';
  if (ui.download.href) URL.revokeObjectURL(ui.download.href);
  ui.download.removeAttribute('href');
  ui.download.hidden = true;
}

function currentOptions() {
  const padding = ui.padding.value === 'number' ? Number(ui.paddingPixels.value) : ui.padding.value;
  return {
    padding,
    stride: Number(ui.stride.value),
    dilation: Number(ui.dilation.value),
    border: ui.border.value,
    cval: Number(ui.cval.value),
    mode: ui.mode.value,
  };
}

/** The image the kernel runs on: gray, or the colour channels without alpha. */
function preparedInput() {
  if (ui.grayscale.checked) return toGrayscale(source);
  const { width, height, data } = source;
  const rgb = new Uint8Array(width * height * 3);
  for (let p = 0; p < width * height; p++) rgb.set(data.subarray(p * 4, p * 4 + 3), p * 3);
  return { width, height, channels: 3, data: rgb };
}

function draw(canvas, image, options) {
  canvas.width = image.width;
  canvas.height = image.height;
  canvas.getContext('2d').putImageData(toImageData(image, options), 0, 0);
}

const nextFrame = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));

/** Runs the convolution the controls describe and shows it; then times the other paths. */
async function run() {
  if (!source) return;
  const mine = ++generation;
  setState('running');
  try {
    const kernel = currentKernel();
    // Named now: the controls may change (and the next run be pending) before this run's timings end.
    const label = kernelLabel();
    const options = currentOptions();
    const map = ui.map.value;
    const input = preparedInput();
    draw(ui.input, input);
    ui.inputCaption.textContent = `${sourceName} · ${input.width}×${input.height}, ${input.channels === 1 ? 'gray' : 'RGB'}`;

    // The result, then the best of a few more runs while they take under 0.2 s: the first call
    // also pays for compiling the JavaScript around the kernels.
    let tWasm = Infinity;
    let result;
    for (let i = 0, spent = 0; i < 4 && spent < 200; i++) {
      const t0 = performance.now();
      result = convolve2d(input, kernel, options);
      const t = performance.now() - t0;
      if (i > 0 || t > 50) tWasm = Math.min(tWasm, t);
      spent += t;
    }
    const shown = toUint8(result, { map });
    draw(ui.output, shown);
    const size = Array.isArray(kernel) ? `${kernel.length}×${kernel[0].length}` : '';
    ui.outputCaption.textContent = `${result.width}×${result.height} · kernel ${size} · map "${map}"`;
    ui.timeWasm.textContent = ms(tWasm);
    ui.timeReference.textContent = ui.timeAsync.textContent = '…';
    if (ui.download.href) URL.revokeObjectURL(ui.download.href);
    ui.download.href = URL.createObjectURL(toBlob(shown));
    ui.download.hidden = false;
    showStatus('Done. Timing the reference…');
    runs++;
    document.body.dataset.runs = String(runs);
    setState('done');

    // The other paths, after the page has painted the output.
    await nextFrame();
    if (mine !== generation) return;
    // The reference is slow: a second run only while that stays cheap (it also warms up).
    let tReference = Infinity;
    let reference;
    for (let i = 0, spent = 0; i < 3 && spent < 400; i++) {
      const t1 = performance.now();
      reference = referenceConvolve2d(input, kernel, options);
      const t = performance.now() - t1;
      tReference = Math.min(tReference, t);
      spent += t;
    }
    const same = reference.data.every((v, i) => Math.abs(v - result.data[i]) <= 1e-4 * (1 + Math.abs(v)));
    ui.timeReference.textContent = `${ms(tReference)} (WebAssembly is ${(tReference / tWasm).toFixed(1)}× faster${same ? '' : '; results differ!'})`;
    const threads = navigator.hardwareConcurrency || 4;
    ui.workers.textContent = String(threads);
    // Starting the workers is a one-off cost; the first run pays it before timing.
    if (runs === 1) await convolve2dAsync(input, kernel, { ...options, threads });
    const t2 = performance.now();
    const parallel = await convolve2dAsync(input, kernel, { ...options, threads });
    const tAsync = performance.now() - t2;
    if (mine !== generation) return;
    const identical = parallel.data.every((v, i) => Object.is(v, result.data[i]));
    ui.timeAsync.textContent = `${ms(tAsync)} (${identical ? 'bit-identical to convolve2d' : 'differs from convolve2d!'})`;
    showStatus(`Done: ${label} on ${sourceName}.`);
    document.body.dataset.timed = String(runs);
  } catch (error) {
    if (mine !== generation) return;
    clearResult();
    showStatus(`${error.name}: ${error.message}`, true);
    setState('error');
  }
}

function kernelLabel() {
  const name = ui.kernel.value;
  return name in PARAMS ? `${name}(${ui.param.value})` : name;
}

let pending;
function schedule() {
  clearTimeout(pending);
  pending = setTimeout(run, 60);
}

async function load(blob, name) {
  setState('loading');
  showStatus(`Loading ${name}…`);
  try {
    source = await fromBlob(blob);
    sourceName = name;
    await run();
  } catch (error) {
    clearResult();
    showStatus(`Could not open ${name}: ${error.message}`, true);
    setState('error');
  }
}

async function loadSample() {
  const response = await fetch('astronaut.png');
  await load(await response.blob(), 'astronaut.png');
}

// Controls
ui.kernel.addEventListener('change', () => { onKernelChange(); schedule(); });
// Editing n or σ keeps the typed value (onKernelChange would reset it to the default).
ui.param.addEventListener('input', () => { showKernelMatrix(); schedule(); });
ui.matrix.addEventListener('input', () => { ui.kernel.value = 'custom'; ui.paramLabel.hidden = true; schedule(); });
ui.padding.addEventListener('change', () => { ui.paddingPixelsLabel.hidden = ui.padding.value !== 'number'; schedule(); });
for (const el of [ui.grayscale, ui.paddingPixels, ui.stride, ui.dilation, ui.border, ui.cval, ui.mode, ui.map]) {
  el.addEventListener('input', schedule);
}
document.getElementById('controls').addEventListener('submit', (e) => e.preventDefault());
ui.sample.addEventListener('click', loadSample);
ui.file.addEventListener('change', () => {
  const [file] = ui.file.files;
  if (file) load(file, file.name);
});

// Drag and drop anywhere on the page
let dragDepth = 0;
window.addEventListener('dragenter', (e) => { e.preventDefault(); dragDepth++; ui.drop.hidden = false; });
window.addEventListener('dragleave', () => { if (--dragDepth <= 0) { dragDepth = 0; ui.drop.hidden = true; } });
window.addEventListener('dragover', (e) => e.preventDefault());
window.addEventListener('drop', (e) => {
  e.preventDefault();
  dragDepth = 0;
  ui.drop.hidden = true;
  const [file] = e.dataTransfer.files;
  if (file) load(file, file.name);
});

onKernelChange();
await init();
await loadSample();
