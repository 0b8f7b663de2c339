#!/usr/bin/env node
// Draws the extension's 128×128 Marketplace icon (media/icon.png) from shapes, with 4×4 supersampling.
// No image library: the PNG is written with zlib. Run: node scripts/make-icon.js
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

const SIZE = 128;
const SS = 4;

const roundedRect = (x, y, cx, cy, hw, hh, r) => {
  const dx = Math.max(Math.abs(x - cx) - (hw - r), 0);
  const dy = Math.max(Math.abs(y - cy) - (hh - r), 0);
  return Math.hypot(dx, dy) <= r;
};
const circle = (x, y, cx, cy, r) => Math.hypot(x - cx, y - cy) <= r;
const ring = (x, y, cx, cy, r, w) => Math.abs(Math.hypot(x - cx, y - cy) - r) <= w / 2;
const segment = (x, y, ax, ay, bx, by, w) => {
  const vx = bx - ax, vy = by - ay;
  const t = Math.max(0, Math.min(1, ((x - ax) * vx + (y - ay) * vy) / (vx * vx + vy * vy)));
  return Math.hypot(x - (ax + t * vx), y - (ay + t * vy)) <= w / 2;
};

/** Colour of one sample point (RGBA 0..255), back to front. */
function sample(x, y) {
  let c = [0, 0, 0, 0];
  if (roundedRect(x, y, 64, 64, 60, 60, 22)) {
    const t = (x + y) / 256; // diagonal gradient, deep blue to violet
    c = [Math.round(66 + 60 * t), Math.round(85 - 30 * t), Math.round(220 - 10 * t), 255];
  }
  const white = [255, 255, 255, 255];
  // person: head and shoulders
  if (circle(x, y, 50, 44, 15)) c = white;
  if (y > 64 && y < 100 && ((x - 50) ** 2) / (29 ** 2) + ((y - 96) ** 2) / (30 ** 2) <= 1 && y <= 97) c = white;
  // magnifier over the lower right
  const lens = [84, 78];
  if (circle(x, y, lens[0], lens[1], 17)) c = [Math.round(c[0] * 0.55), Math.round(c[1] * 0.55), Math.round(c[2] * 0.7), 255];
  if (ring(x, y, lens[0], lens[1], 17, 6)) c = [255, 209, 92, 255];
  if (segment(x, y, 96, 90, 110, 104, 9)) c = [255, 209, 92, 255];
  return c;
}

const raw = Buffer.alloc(SIZE * (SIZE * 4 + 1));
for (let py = 0; py < SIZE; py++) {
  raw[py * (SIZE * 4 + 1)] = 0;
  for (let px = 0; px < SIZE; px++) {
    const acc = [0, 0, 0, 0];
    for (let sy = 0; sy < SS; sy++) {
      for (let sx = 0; sx < SS; sx++) {
        const s = sample(px + (sx + 0.5) / SS, py + (sy + 0.5) / SS);
        const a = s[3] / 255;
        acc[0] += s[0] * a; acc[1] += s[1] * a; acc[2] += s[2] * a; acc[3] += s[3];
      }
    }
    const n = SS * SS;
    const alpha = acc[3] / n;
    const o = py * (SIZE * 4 + 1) + 1 + px * 4;
    const k = alpha > 0 ? 255 / alpha / n : 0;
    raw[o] = Math.round(acc[0] * k); raw[o + 1] = Math.round(acc[1] * k); raw[o + 2] = Math.round(acc[2] * k); raw[o + 3] = Math.round(alpha);
  }
}

function crc32(buf) {
  let c, crc = 0xffffffff;
  for (let n = 0; n < buf.length; n++) {
    c = (crc ^ buf[n]) & 0xff;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    crc = (crc >>> 8) ^ c;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(SIZE, 0); ihdr.writeUInt32BE(SIZE, 4); ihdr[8] = 8; ihdr[9] = 6; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0;
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0)),
]);
const out = path.join(__dirname, '..', 'media', 'icon.png');
fs.writeFileSync(out, png);
console.log(`${out}: ${png.length} bytes`);
