// compare-table.mjs turns the JSON lines collected by scripts/compare-tfjs.sh
// into the side-by-side markdown table of kneetrack and TF.js wasm-SIMD.
//
// Input (one JSON object per line): {"round": R, "tool": "kneetrack"|"tfjs",
// "result": <a line of `kneetrack bench --json` or `bench-wasm.mjs --json`>}.
// Per model and thread count, each tool's median is the median of its
// per-round medians (likewise its p90), so one disturbed round cannot move
// the result much; the ratio is kneetrack's median over TF.js's. With more
// than one round the range of the per-round ratios is shown too.
//
// Usage: node compare-table.mjs FILE

import fs from 'node:fs';

function median(v) {
  const s = v.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function main(file) {
  const lines = fs.readFileSync(file, 'utf8').split('\n').filter(l => l.trim());
  const groups = new Map();
  for (const l of lines) {
    const { round, tool, result: r } = JSON.parse(l);
    const key = `${r.model}\t${r.threads}`;
    if (!groups.has(key)) groups.set(key, { model: r.model, threads: r.threads, rounds: new Map() });
    const g = groups.get(key);
    if (!g.rounds.has(round)) g.rounds.set(round, {});
    g.rounds.get(round)[tool] = r;
  }
  const rows = [];
  let multi = false;
  for (const g of groups.values()) {
    const rounds = [...g.rounds.values()].filter(x => x.kneetrack && x.tfjs);
    if (rounds.length === 0) continue;
    multi ||= rounds.length > 1;
    const k = rounds.map(x => x.kneetrack), t = rounds.map(x => x.tfjs);
    const km = median(k.map(r => r.median_ms)), tm = median(t.map(r => r.median_ms));
    const ratios = rounds.map(x => x.kneetrack.median_ms / x.tfjs.median_ms);
    const cpuw = t.map(r => r.cpu_per_wall).filter(x => x != null);
    rows.push({
      model: g.model,
      gmacs: k[0].gmacs,
      threads: g.threads,
      km, tm,
      ratio: km / tm,
      rmin: Math.min(...ratios), rmax: Math.max(...ratios),
      kp90: median(k.map(r => r.p90_ms)), tp90: median(t.map(r => r.p90_ms)),
      tcpu: cpuw.length ? median(cpuw) : null,
      tbuild: `${t[0].build}, ${t[0].engine}`,
      n: rounds.length,
    });
  }
  const head = ['model', 'GMACs', 'threads', 'kneetrack median ms', 'TF.js wasm-SIMD median ms', 'ratio (kneetrack/TF.js)'];
  if (multi) head.push('ratio range over rounds');
  head.push('kneetrack p90 ms', 'TF.js p90 ms', 'TF.js CPU/wall', 'TF.js build, engine');
  console.log(`| ${head.join(' | ')} |`);
  console.log(`|${head.map(() => '---').join('|')}|`);
  for (const r of rows) {
    const c = [r.model, r.gmacs.toFixed(3), String(r.threads), r.km.toFixed(1), r.tm.toFixed(1), r.ratio.toFixed(2)];
    if (multi) c.push(`${r.rmin.toFixed(2)}–${r.rmax.toFixed(2)} (${r.n})`);
    c.push(r.kp90.toFixed(1), r.tp90.toFixed(1), r.tcpu == null ? '-' : r.tcpu.toFixed(2), r.tbuild);
    console.log(`| ${c.join(' | ')} |`);
  }
  const worst = rows.reduce((a, r) => Math.max(a, r.ratio), 0);
  console.log(`\nWorst ratio ${worst.toFixed(2)} (goal: at most 0.50 everywhere)${worst <= 0.5 ? ': met' : ': not met'}.`);
}

if (process.argv.length !== 3) {
  process.stderr.write('usage: node compare-table.mjs FILE\n');
  process.exit(2);
}
try {
  main(process.argv[2]);
} catch (e) {
  process.stderr.write(`compare-table: ${e.message}\n`);
  process.exit(1);
}
