// A small SVG chart of the scale figures: one panel per figure, ours and naive from the smallest to the largest
// instance, on a logarithmic y axis (the naive figures grow by orders of magnitude). Plain SVG text, no dependency.

const PANELS = [
  { key: 'firstView', title: 'First view of all groups', unit: 'ms' },
  { key: 'search', title: 'Search, first page', unit: 'ms' },
  { key: 'exportTime', title: 'Export to disk', unit: 'ms' },
  { key: 'exportPeakHeap', title: 'Export peak heap', unit: 'MB' },
  { key: 'heapPerUser', title: 'Heap per loaded user', unit: 'B' },
];

const esc = (s) => String(s).replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]);
const num = (v) => (v >= 100 ? Math.round(v).toLocaleString('en-US') : v >= 10 ? v.toFixed(1) : v.toFixed(2));

/** @param {Record<string, any>} scale results.scale @param {number[]} sizes */
function scaleChart(scale, sizes) {
  const panels = PANELS.filter((p) => sizes.every((n) => scale[n] && scale[n][p.key]));
  const W = 220;
  const H = 170;
  const pad = { l: 14, r: 14, t: 34, b: 30 };
  const width = panels.length * W + 20;
  const height = H + 40;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="10" y="${height - 8}" fill="#555">ours (blue) vs naive (grey), log scale; x: ${sizes.map((n) => `${n / 1000}k`).join(' → ')} users</text>`,
  ];
  panels.forEach((p, i) => {
    const x0 = 10 + i * W;
    const vals = sizes.flatMap((n) => [scale[n][p.key].ours, scale[n][p.key].naive]).filter((v) => v > 0);
    const lo = Math.log10(Math.min(...vals)) - 0.2;
    const hi = Math.log10(Math.max(...vals)) + 0.2;
    const px = (j) => x0 + pad.l + (j * (W - pad.l - pad.r - 20)) / Math.max(1, sizes.length - 1) + 10;
    const py = (v) => pad.t + (H - pad.t - pad.b) * (1 - (Math.log10(Math.max(v, 1e-9)) - lo) / Math.max(1e-9, hi - lo));
    parts.push(`<rect x="${x0 + 4}" y="4" width="${W - 8}" height="${H}" fill="none" stroke="#ddd"/>`);
    parts.push(`<text x="${x0 + 12}" y="20" font-weight="bold" fill="#222">${esc(p.title)} (${p.unit})</text>`);
    for (const [which, color] of [['naive', '#999999'], ['ours', '#2f6fd6']]) {
      const pts = sizes.map((n, j) => [px(j), py(scale[n][p.key][which])]);
      parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${pts.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ')}"/>`);
      sizes.forEach((n, j) => {
        const [x, y] = pts[j];
        parts.push(`<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="3" fill="${color}"/>`);
        parts.push(`<text x="${(x + (j ? -4 : 4)).toFixed(1)}" y="${(y - 6).toFixed(1)}" text-anchor="${j ? 'end' : 'start'}" fill="${color}">${num(scale[n][p.key][which])}</text>`);
      });
    }
    sizes.forEach((n, j) => parts.push(`<text x="${px(j).toFixed(1)}" y="${H - 6}" text-anchor="middle" fill="#555">${n / 1000}k</text>`));
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

/** Renders an SVG file to PNG with the harness's headless Chromium (the Marketplace refuses SVG images in a README). */
async function svgToPng(svgFile, pngFile) {
  const path = require('path');
  const fs = require('fs');
  const { launchBrowser } = require(path.join(__dirname, '..', 'test', 'runner', 'browser.js'));
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ deviceScaleFactor: 2 });
    await page.setContent(`<!doctype html><body style="margin:0">${fs.readFileSync(svgFile, 'utf8')}</body>`);
    await page.locator('svg').screenshot({ path: pngFile });
  } finally {
    await browser.close();
  }
}

module.exports = { scaleChart, svgToPng };
