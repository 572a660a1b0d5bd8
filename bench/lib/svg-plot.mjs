/**
 * A dependency-free SVG line plot for the benchmarks: one panel per image size, time (ms) against
 * kernel side, both axes logarithmic, one line per implementation.
 *
 * Start at `linePlot`: it takes `{ title, note, panels: [{ title, series: [{ name, points: [[x, ms]] }] }] }`.
 */

const COLORS = ['#d62728', '#1f77b4', '#ff7f0e', '#2ca02c', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f',
  '#bcbd22', '#17becf', '#000000', '#aec7e8', '#98df8a', '#c5b0d5'];
const DASHES = ['', '6 3', '2 3', '8 3 2 3'];
const escape = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const label = (ms) => (ms >= 1000 ? `${ms / 1000} s` : ms >= 1 ? `${ms} ms` : `${ms * 1000} µs`);

/**
 * Renders the panels side by side; every series keeps its colour and dash across panels.
 * @example
 * writeFileSync('plot.svg', linePlot({ title: 't', panels: [{ title: '1024²', series: [{ name: 'a', points: [[3, 1], [7, 4]] }] }] }));
 */
export function linePlot({ title, note = '', panels }) {
  const names = [...new Set(panels.flatMap((p) => p.series.map((s) => s.name)))];
  const style = new Map(names.map((n, i) => [n, { color: COLORS[i % COLORS.length], dash: DASHES[Math.floor(i / COLORS.length) % DASHES.length] }]));
  const all = panels.flatMap((p) => p.series.flatMap((s) => s.points));
  const xs = [...new Set(all.map(([x]) => x))].sort((a, b) => a - b);
  const ys = all.map(([, y]) => y).filter((y) => y > 0);
  const yLo = 10 ** Math.floor(Math.log10(Math.min(...ys))), yHi = 10 ** Math.ceil(Math.log10(Math.max(...ys)));
  const xLo = Math.min(...xs) / 1.15, xHi = Math.max(...xs) * 1.15;
  const panelW = 420, panelH = 340, margin = { left: 80, right: 16, top: 56, bottom: 46 };
  const legendRow = 18, legendW = 50 + 6.8 * Math.max(...names.map((n) => n.length));
  const width = Math.ceil(Math.max(margin.left + panels.length * (panelW + margin.right + margin.left) + legendW,
    margin.left + 8.6 * title.length, margin.left + 6.2 * note.length));
  const height = Math.max(margin.top + panelH + margin.bottom, margin.top + names.length * legendRow + 20) + 24;
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${margin.left}" y="22" font-size="15" font-weight="bold">${escape(title)}</text>`];
  panels.forEach((panel, p) => {
    const x0 = margin.left + p * (panelW + margin.right + margin.left), y0 = margin.top;
    const sx = (x) => x0 + (Math.log(x / xLo) / Math.log(xHi / xLo)) * panelW;
    const sy = (y) => y0 + panelH - (Math.log(y / yLo) / Math.log(yHi / yLo)) * panelH;
    out.push(`<text x="${x0 + panelW / 2}" y="${y0 - 10}" text-anchor="middle" font-weight="bold">${escape(panel.title)}</text>`,
      `<rect x="${x0}" y="${y0}" width="${panelW}" height="${panelH}" fill="none" stroke="#444"/>`);
    for (let d = yLo; d <= yHi * 1.0001; d *= 10) {
      for (const m of [1, 2, 5]) {
        const v = d * m;
        if (v > yHi * 1.0001) continue;
        out.push(`<line x1="${x0}" x2="${x0 + panelW}" y1="${sy(v).toFixed(1)}" y2="${sy(v).toFixed(1)}" stroke="${m === 1 ? '#ccc' : '#eee'}"/>`);
        if (m === 1) out.push(`<text x="${x0 - 6}" y="${(sy(v) + 4).toFixed(1)}" text-anchor="end">${label(+v.toPrecision(3))}</text>`);
      }
    }
    for (const x of xs) {
      out.push(`<line x1="${sx(x).toFixed(1)}" x2="${sx(x).toFixed(1)}" y1="${y0}" y2="${y0 + panelH}" stroke="#eee"/>`,
        `<text x="${sx(x).toFixed(1)}" y="${y0 + panelH + 16}" text-anchor="middle">${x}×${x}</text>`);
    }
    out.push(`<text x="${x0 + panelW / 2}" y="${y0 + panelH + 36}" text-anchor="middle">kernel size (log scale)</text>`,
      `<text transform="translate(${x0 - 64} ${y0 + panelH / 2}) rotate(-90)" text-anchor="middle">median time per call (log scale)</text>`);
    for (const s of panel.series) {
      const { color, dash } = style.get(s.name);
      const pts = s.points.filter(([, y]) => y > 0).sort((a, b) => a[0] - b[0]);
      if (pts.length > 1) {
        out.push(`<polyline fill="none" stroke="${color}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ''} points="${pts.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' ')}"/>`);
      }
      for (const [x, y] of pts) out.push(`<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="3" fill="${color}"/>`);
    }
  });
  const lx = margin.left + panels.length * (panelW + margin.right + margin.left) - 20;
  names.forEach((name, i) => {
    const { color, dash } = style.get(name), y = margin.top + i * legendRow + 6;
    out.push(`<line x1="${lx}" x2="${lx + 26}" y1="${y}" y2="${y}" stroke="${color}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`,
      `<circle cx="${lx + 13}" cy="${y}" r="3" fill="${color}"/>`,
      `<text x="${lx + 32}" y="${y + 4}">${escape(name)}</text>`);
  });
  if (note) out.push(`<text x="${margin.left}" y="${height - 10}" font-size="11" fill="#444">${escape(note)}</text>`);
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
