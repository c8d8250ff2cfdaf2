#!/usr/bin/env node
// Writes notebooks/data/beans.csv: 800 measured dry beans of four varieties, generated
// (seeded, so the file is the same every time) for 09-prototype-your-own-data.ipynb.
// Run: node notebooks/data/make-beans.js [output path, default: beans.csv next to this file]
'use strict';
const fs = require('fs');
const path = require('path');

// Typical sizes (mm) and weights (mg) of dry beans at 12 % moisture, per variety.
const VARIETIES = {
  navy: { length: 8.6, width: 6.1, thickness: 4.9, weight: 190 },
  black: { length: 9.9, width: 6.7, thickness: 4.7, weight: 215 },
  pinto: { length: 12.4, width: 8.0, thickness: 5.5, weight: 350 },
  kidney: { length: 15.2, width: 7.9, thickness: 6.0, weight: 480 },
};
const PER_VARIETY = 200;

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = mulberry32(2026);
const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());

const rows = [];
for (const [variety, v] of Object.entries(VARIETIES)) {
  for (let i = 0; i < PER_VARIETY; i++) {
    const size = 1 + 0.09 * normal(); // a bigger bean is bigger in every direction
    const length = v.length * size * (1 + 0.05 * normal());
    const width = v.width * size * (1 + 0.05 * normal());
    const thickness = v.thickness * size * (1 + 0.06 * normal());
    const moisture = 12 + 1.5 * normal();
    // Weight follows volume, plus water, plus density differences between beans.
    const volume = (length * width * thickness) / (v.length * v.width * v.thickness);
    const weight = v.weight * volume * (1 + (moisture - 12) / 100) * (1 + 0.06 * normal());
    rows.push([length.toFixed(2), width.toFixed(2), thickness.toFixed(2), weight.toFixed(1), moisture.toFixed(1), variety]);
  }
}
// Shuffle (Fisher-Yates), as a file sorted by class would hide mistakes in the split.
for (let i = rows.length - 1; i > 0; i--) {
  const j = Math.floor(random() * (i + 1));
  [rows[i], rows[j]] = [rows[j], rows[i]];
}
const header = 'length_mm,width_mm,thickness_mm,weight_mg,moisture_pct,variety';
const out = process.argv[2] ?? path.join(__dirname, 'beans.csv');
fs.writeFileSync(out, [header, ...rows.map((r) => r.join(','))].join('\n') + '\n');
console.log(`wrote ${rows.length} rows to ${out}`);
