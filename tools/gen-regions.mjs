// Generates data/regions.csv (code,name) from the npm package idn-area-data: every province and every
// regency/city with its Kemendagri code. Run by scripts/deps.sh when the output is missing or older
// than the package; the output is committed so a build never needs the network.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const pkgDir = dirname(require.resolve('idn-area-data/package.json'));
const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));

function rows(file) {
  const lines = readFileSync(join(pkgDir, 'data', file), 'utf8').trim().split(/\r?\n/);
  const header = lines.shift().split(',');
  return lines.map((line) => {
    // Names in these files never contain commas except inside quotes; handle quotes anyway.
    const cells = line.match(/("([^"]|"")*"|[^,]*)(,|$)/g).map((c) => c.replace(/,$/, '').replace(/^"|"$/g, '').replace(/""/g, '"'));
    return Object.fromEntries(header.map((h, i) => [h, cells[i]]));
  });
}

const provinces = rows('provinces.csv');
const regencies = rows('regencies.csv');
const quote = (s) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
const out = ['code,name'];
for (const p of provinces) {
  out.push(`${p.code},${quote(p.name)}`);
  for (const r of regencies.filter((r) => r.province_code === p.code)) out.push(`${r.code},${quote(r.name)}`);
}
const target = process.argv[2] ?? 'data/regions.csv';
writeFileSync(target, out.join('\n') + '\n');
console.log(`wrote ${target}: ${provinces.length} provinces, ${regencies.length} regencies/cities (idn-area-data ${pkg.version})`);
