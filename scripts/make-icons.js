#!/usr/bin/env node
'use strict';
// Writes the add-in's icons (addin/assets/icon-<size>.png) referenced by manifest.xml:
// a blue rounded square with a white envelope. Plain Node (zlib) so it needs no image library;
// the output is deterministic, so re-running it changes nothing unless this file changes.
// Usage: node scripts/make-icons.js

const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');

const SIZES = [16, 32, 64, 80, 128];
const OUT_DIR = path.join(__dirname, '..', 'addin', 'assets');

const BLUE = [0x01, 0x76, 0xd3, 0xff];
const WHITE = [0xff, 0xff, 0xff, 0xff];
const CLEAR = [0, 0, 0, 0];

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

/** The colour of pixel (x, y) in a size x size icon. */
function pixel(x, y, size) {
  // Rounded corners: transparent outside a quarter circle in each corner.
  const r = Math.max(2, Math.round(size / 8));
  const cx = x < r ? r - 0.5 : x >= size - r ? size - r - 0.5 : x + 0.5;
  const cy = y < r ? r - 0.5 : y >= size - r ? size - r - 0.5 : y + 0.5;
  if ((x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2 > r * r) return CLEAR;

  // Envelope: a white outline with the flap's V, stroke about size/16.
  const stroke = Math.max(1, Math.round(size / 16));
  const left = Math.round(size * 0.2);
  const right = size - left - 1;
  const top = Math.round(size * 0.3);
  const bottom = size - top - 1;
  if (x < left || x > right || y < top || y > bottom) return BLUE;
  const onEdge = x < left + stroke || x > right - stroke || y < top + stroke || y > bottom - stroke;
  // The flap: two lines from the top corners to the centre, at (bottom - top) * 0.6 below the top.
  const half = (right - left) / 2;
  const depth = (bottom - top) * 0.6;
  const flapY = top + depth * (1 - Math.abs(x - left - half) / half);
  const onFlap = Math.abs(y - flapY) < stroke * 0.9;
  return onEdge || onFlap ? WHITE : BLUE;
}

function png(size) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // colour type: RGBA
  header[10] = 0; // compression
  header[11] = 0; // filter
  header[12] = 0; // no interlace
  const rows = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 4); // filter byte 0 (none), then RGBA pixels
    for (let x = 0; x < size; x++) Buffer.from(pixel(x, y, size)).copy(row, 1 + x * 4);
    rows.push(row);
  }
  const data = zlib.deflateSync(Buffer.concat(rows), { level: 9 });
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', data),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

fs.mkdirSync(OUT_DIR, { recursive: true });
for (const size of SIZES) {
  const file = path.join(OUT_DIR, `icon-${size}.png`);
  const bytes = png(size);
  fs.writeFileSync(file, bytes);
  console.log(`${path.relative(process.cwd(), file)} (${bytes.length} bytes)`);
}
