// bench-wasm.mjs times the pose models on TF.js's WebAssembly backend with
// SIMD, the speed kneetrack's own runtime is compared against (see
// scripts/compare-tfjs.sh and docs/performance.md).
//
//   --threads 1  the single-threaded SIMD build (tfjs-backend-wasm-simd.wasm),
//                in this Node process by default (--runtime chromium runs it
//                in headless Chromium instead).
//   --threads N  the threaded SIMD build (tfjs-backend-wasm-threaded-simd.wasm)
//                with an XNNPACK pool of N threads. Its pthreads need Web
//                Workers and SharedArrayBuffer, which the package cannot set
//                up under Node, so this always runs in headless Chromium on
//                a page served from 127.0.0.1 with the cross-origin isolation
//                headers (COOP/COEP) that enable SharedArrayBuffer.
//
// Each model is loaded from the kneetrack model cache, fed the fixed "lcg"
// input that `kneetrack bench` uses, run once plus --warmup times untimed,
// then --runs times timed (bench-common.mjs, shared by both runtimes). The
// first output is compared with the TF.js cpu fixture when the fixtures are
// there, to show the timed run computes the right thing. CPU time over the
// timed loop (this process, or every process of the Chromium instance read
// from /proc) divided by its wall time shows how many cores were busy.
//
// Usage:
//   node bench-wasm.mjs --model M[,M...] [--threads N] [--runs N] [--warmup N]
//        [--runtime node|chromium] [--models DIR] [--fixtures DIR]
//        [--chromium PATH] [--timeout SECONDS] [--json]
// --json prints one JSON object per model and line.

import { createRequire } from 'node:module';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { MODELS, artifactsFrom, checkOutput, timeModel } from './bench-common.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(HERE, 'package.json'));
const TFJS_DIST = {
  'tfjs-core': 'tf-core.min.js',
  'tfjs-converter': 'tf-converter.min.js',
  'tfjs-backend-wasm': 'tf-backend-wasm.min.js',
};
const USAGE = 'usage: node bench-wasm.mjs --model M[,M...] [--threads N] [--runs N] [--warmup N] ' +
  '[--runtime node|chromium] [--models DIR] [--fixtures DIR] [--chromium PATH] [--timeout SECONDS] [--json]';

// BenchError is a failure with a message meant for the user.
class BenchError extends Error {}

function fail(msg) {
  throw new BenchError(msg);
}

function cacheDir() {
  const x = process.env.XDG_CACHE_HOME;
  if (x) {
    if (!path.isAbsolute(x)) fail(`XDG_CACHE_HOME (${x}) is a relative path; make it absolute or unset it`);
    return x;
  }
  if (process.env.HOME) return path.join(process.env.HOME, '.cache');
  fail('neither XDG_CACHE_HOME nor HOME is set; pass --models and --fixtures');
}

function parseArgs(argv) {
  const o = { threads: 1, runs: 50, warmup: 5, json: false, timeout: 900 };
  const int = (flag, v, min) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) fail(`${flag} must be an integer of at least ${min}, got ${v}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      if (i + 1 >= argv.length) fail(`${a} needs a value; ${USAGE}`);
      return argv[++i];
    };
    switch (a) {
      case '--model': o.models = val().split(',').filter(Boolean); break;
      case '--threads': o.threads = int(a, val(), 1); break;
      case '--runs': o.runs = int(a, val(), 1); break;
      case '--warmup': o.warmup = int(a, val(), 0); break;
      case '--runtime': o.runtime = val(); break;
      case '--models': o.modelsDir = val(); break;
      case '--fixtures': o.fixturesDir = val(); break;
      case '--chromium': o.chromium = val(); break;
      case '--timeout': o.timeout = int(a, val(), 1); break;
      case '--json': o.json = true; break;
      default: fail(`unknown argument ${a}; ${USAGE}`);
    }
  }
  if (!o.models || o.models.length === 0) fail(`--model is required; ${USAGE}`);
  if (o.models.length === 1 && o.models[0] === 'all') o.models = Object.keys(MODELS);
  for (const m of o.models) {
    if (!MODELS[m]) fail(`unknown model ${m}; known: ${Object.keys(MODELS).join(', ')}`);
  }
  o.runtime ??= o.threads > 1 ? 'chromium' : 'node';
  if (o.runtime !== 'node' && o.runtime !== 'chromium') fail(`--runtime must be node or chromium, got ${o.runtime}`);
  if (o.runtime === 'node' && o.threads > 1) {
    fail(`--threads ${o.threads} needs --runtime chromium: the threaded wasm build uses Web Workers and ` +
      'SharedArrayBuffer, which @tensorflow/tfjs-backend-wasm cannot set up in Node');
  }
  o.modelsDir ??= process.env.KNEETRACK_MODELS_DIR || path.join(cacheDir(), 'kneetrack', 'models', '3.0.4');
  o.fixturesDir ??= process.env.KNEETRACK_FIXTURES_DIR ||
    path.join(cacheDir(), 'kneetrack', 'fixtures', 'tfjs-4.22.0_models-3.0.4');
  return o;
}

function tfjsVersions() {
  const v = {};
  for (const p of Object.keys(TFJS_DIST)) {
    try {
      v[p] = require(`@tensorflow/${p}/package.json`).version;
    } catch {
      fail(`@tensorflow/${p} is not installed in ${HERE}/node_modules; run: bash tools/tfjs/fixtures.sh ` +
        `(or: cd ${HERE} && npm ci)`);
    }
  }
  return v;
}

function modelFile(dir, name, ext) {
  const f = path.join(dir, `${name}.${ext}`);
  if (!fs.existsSync(f)) {
    fail(`model file ${f} is missing; fetch the models with: bin/kneetrack models pull (or pass --models DIR)`);
  }
  return f;
}

// fixtureFor returns the fixture's first model output and its values, or
// null when the fixtures are not there (the check is then skipped).
function fixtureFor(dir, name) {
  let fx;
  try {
    fx = JSON.parse(fs.readFileSync(path.join(dir, `${name}.lcg.json`), 'utf8'));
  } catch {
    return null;
  }
  const out = fx.outputs.find(o => !o.intermediate);
  const b = fs.readFileSync(path.join(dir, out.file));
  return { out, ref: new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)) };
}

// ------------------------------------------------------------------ Node ---

async function runNode(o, versions) {
  const tf = require('@tensorflow/tfjs-core');
  const converter = require('@tensorflow/tfjs-converter');
  const warn = console.warn;
  console.warn = () => {}; // tfjs-core's one-off advice to install tfjs-node
  try {
    const wasm = require('@tensorflow/tfjs-backend-wasm');
    const dist = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm'));
    wasm.setWasmPaths(dist + path.sep);
    tf.env().set('WASM_HAS_SIMD_SUPPORT', true);
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    if (!(await tf.setBackend('wasm'))) fail('the TF.js wasm backend failed to initialise in Node');
    await tf.ready();
  } finally {
    console.warn = warn;
  }
  const threadsActual = require('@tensorflow/tfjs-backend-wasm').getThreadsCount();
  const results = [];
  for (const name of o.models) {
    const t0 = performance.now();
    const mj = JSON.parse(fs.readFileSync(modelFile(o.modelsDir, name, 'json'), 'utf8'));
    const bin = fs.readFileSync(modelFile(o.modelsDir, name, 'bin'));
    const model = await converter.loadGraphModel(tf.io.fromMemory(
      artifactsFrom(mj, bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength))));
    const loadMs = performance.now() - t0;
    let cpu0;
    const hooks = {
      before: () => { cpu0 = process.cpuUsage(); },
      after: () => {
        const d = process.cpuUsage(cpu0);
        return (d.user + d.system) / 1000;
      },
    };
    const t = await timeModel(tf, model, name, { runs: o.runs, warmup: o.warmup, hooks });
    const fx = fixtureFor(o.fixturesDir, name);
    model.dispose();
    results.push(record(name, o, t, fx ? checkOutput(t.outputNames, t.first, fx.out, fx.ref) : null, {
      runtime: 'node',
      engine: `node ${process.version}`,
      build: 'wasm-simd',
      threads_actual: threadsActual,
      load_ms: loadMs,
      tfjs: versions,
    }));
  }
  return results;
}

function record(name, o, t, check, extra) {
  const r = t.result;
  return {
    model: name,
    threads: o.threads,
    ...extra,
    runs: r.runs,
    warmup: r.warmup,
    median_ms: r.median_ms,
    p90_ms: r.p90_ms,
    min_ms: r.min_ms,
    cpu_per_wall: r.cpu_ms == null ? null : r.cpu_ms / r.loop_wall_ms,
    check,
    times_ms: r.times_ms,
  };
}

// -------------------------------------------------------------- Chromium ---

function findChromium(o) {
  const cands = o.chromium ? [o.chromium]
    : process.env.KNEETRACK_CHROMIUM ? [process.env.KNEETRACK_CHROMIUM]
      : ['/usr/lib/chromium/chromium', // Debian's binary, without the launcher script's extra flags
        ...(process.env.PATH || '').split(path.delimiter).flatMap(d =>
          ['chromium', 'chromium-browser', 'google-chrome'].map(n => path.join(d, n)))];
  for (const c of cands) {
    try {
      fs.accessSync(c, fs.constants.X_OK);
      return c;
    } catch { /* next */ }
  }
  fail(`no Chromium found (${o.chromium || process.env.KNEETRACK_CHROMIUM || 'looked for chromium, chromium-browser, google-chrome'}); ` +
    'install it (Debian: apt-get install -y chromium) or pass --chromium PATH');
}

// procStat reads /proc/PID/stat: parent, CPU ticks (user + system, all
// threads) and start time; null if the process is gone or /proc is absent.
function procStat(pid) {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' '); // fields from 3 (state) on
    return { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]), start: f[19] };
  } catch {
    return null;
  }
}

// processTree returns pid and all its descendants with their stats, read
// from /proc; null where there is no Linux /proc.
function processTree(pid) {
  let entries;
  try {
    entries = fs.readdirSync('/proc').filter(e => /^\d+$/.test(e));
  } catch {
    return null;
  }
  const stats = new Map();
  for (const e of entries) {
    const st = procStat(e);
    if (st) stats.set(Number(e), st);
  }
  const children = new Map();
  for (const [p, st] of stats) {
    if (!children.has(st.ppid)) children.set(st.ppid, []);
    children.get(st.ppid).push(p);
  }
  const tree = [];
  const todo = [pid];
  while (todo.length) {
    const p = todo.pop();
    if (stats.has(p)) tree.push({ pid: p, ...stats.get(p) });
    todo.push(...(children.get(p) || []));
  }
  return tree;
}

// cpuOfTree returns the CPU time in ms of pid and its descendants.
function cpuOfTree(pid) {
  const tree = processTree(pid);
  if (!tree) return null;
  return tree.reduce((a, p) => a + p.ticks, 0) * 10; // USER_HZ is 100 on Linux
}

// stopChromium ends the browser we started and then any of its helper
// processes that outlive it (they would go on writing into the profile),
// each by its process id, checked against its start time.
async function stopChromium(browser) {
  const helpers = (processTree(browser.pid) || []).filter(p => p.pid !== browser.pid);
  if (browser.exitCode === null && browser.signalCode === null) {
    browser.removeAllListeners('exit');
    const exited = new Promise(resolve => browser.once('exit', resolve));
    browser.kill('SIGTERM');
    const t = setTimeout(() => browser.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(t);
  }
  const alive = () => helpers.filter(h => {
    const st = procStat(h.pid);
    return st && st.start === h.start;
  });
  const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));
  for (let i = 0; i < 50 && alive().length; i++) await sleep(100);
  for (const h of alive()) {
    try {
      process.kill(h.pid, 'SIGKILL');
    } catch { /* gone meanwhile */ }
  }
  for (let i = 0; i < 20 && alive().length; i++) await sleep(100);
}

function pageHTML(cfg) {
  const scripts = Object.entries(TFJS_DIST).map(([p, f]) => `<script src="/tfjs/${p}/${f}"></script>`).join('\n');
  return `<!doctype html>
<meta charset="utf-8">
<title>kneetrack: TF.js wasm timing</title>
${scripts}
<script type="module">
import { artifactsFrom, checkOutput, timeModel } from '/bench-common.mjs';
const cfg = ${JSON.stringify(cfg)};
const post = async (p, body) => {
  const r = await fetch(p, { method: 'POST', body: JSON.stringify(body ?? {}) });
  if (!r.ok) throw new Error(p + ': HTTP ' + r.status);
  return r.json();
};
const log = msg => post('/log', { msg }).catch(() => {});
async function main() {
  if (!self.crossOriginIsolated) throw new Error('the page is not cross-origin isolated (no SharedArrayBuffer)');
  tf.wasm.setWasmPaths('/tfjs/tfjs-backend-wasm/');
  tf.env().set('WASM_HAS_SIMD_SUPPORT', true);
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', cfg.threads > 1);
  if (cfg.threads > 1) {
    // The backend caps its XNNPACK pool at navigator.hardwareConcurrency / 2
    // (it assumes two hyper-threads per core), which would leave a 2-core
    // machine with one thread whatever setThreadsCount asks. Reporting twice
    // the wanted count lifts that cap; getThreadsCount below confirms it.
    Object.defineProperty(navigator, 'hardwareConcurrency', { value: 2 * cfg.threads, configurable: true });
    tf.wasm.setThreadsCount(cfg.threads);
  }
  if (!(await tf.setBackend('wasm'))) throw new Error('the TF.js wasm backend failed to initialise');
  await tf.ready();
  const threadsActual = tf.wasm.getThreadsCount();
  const results = [];
  for (const name of cfg.models) {
    const t0 = performance.now();
    const [mj, bin] = await Promise.all([
      fetch('/models/' + name + '.json').then(r => { if (!r.ok) throw new Error(name + '.json: HTTP ' + r.status); return r.json(); }),
      fetch('/models/' + name + '.bin').then(r => { if (!r.ok) throw new Error(name + '.bin: HTTP ' + r.status); return r.arrayBuffer(); }),
    ]);
    const model = await tf.loadGraphModel(tf.io.fromMemory(artifactsFrom(mj, bin)));
    const loadMs = performance.now() - t0;
    const hooks = {
      before: () => post('/cpu'),
      after: async () => (await post('/cpu')).delta_ms,
    };
    const t = await timeModel(tf, model, name, { runs: cfg.runs, warmup: cfg.warmup, hooks });
    model.dispose();
    let check = null;
    const fx = await fetch('/fixtures/' + name + '.lcg.json');
    if (fx.ok) {
      const out = (await fx.json()).outputs.find(o => !o.intermediate);
      const ref = new Float32Array(await (await fetch('/fixtures/' + out.file)).arrayBuffer());
      check = checkOutput(t.outputNames, t.first, out, ref);
    }
    delete t.first;
    results.push({ name, t, check, loadMs, threadsActual });
    await log(name + ': median ' + t.result.median_ms.toFixed(2) + ' ms');
  }
  return results;
}
main().then(results => post('/result', { results, engine: navigator.userAgent }),
  e => post('/result', { error: String((e && e.stack) || (e && e.message) || e) }));
</script>
`;
}

const TYPES = {
  '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm',
  '.json': 'application/json', '.bin': 'application/octet-stream', '.f32': 'application/octet-stream',
};

async function runChromium(o, versions) {
  const exe = findChromium(o);
  const wasmDist = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm'));
  const distOf = p => (p === 'tfjs-backend-wasm' ? wasmDist : path.dirname(require.resolve(`@tensorflow/${p}/dist/${TFJS_DIST[p]}`)));
  for (const name of o.models) {
    modelFile(o.modelsDir, name, 'json');
    modelFile(o.modelsDir, name, 'bin');
  }
  const cfg = { models: o.models, threads: o.threads, runs: o.runs, warmup: o.warmup };
  let browser = null, cpuMark = null, settle;
  const done = new Promise(resolve => { settle = resolve; });

  // fileFor maps a request path to a file it may serve, or null.
  const fileFor = p => {
    let m;
    if (p === '/bench-common.mjs') return path.join(HERE, 'bench-common.mjs');
    if ((m = /^\/tfjs\/([a-z-]+)\/([A-Za-z0-9._-]+)$/.exec(p)) && TFJS_DIST[m[1]]) return path.join(distOf(m[1]), m[2]);
    if ((m = /^\/models\/([a-z-]+)\.(json|bin)$/.exec(p)) && MODELS[m[1]]) return path.join(o.modelsDir, `${m[1]}.${m[2]}`);
    if ((m = /^\/fixtures\/([A-Za-z0-9._-]+\.(json|f32))$/.exec(p))) return path.join(o.fixturesDir, m[1]);
    return null;
  };
  const server = http.createServer((req, res) => {
    const headers = {
      // Cross-origin isolation: without it the page gets no SharedArrayBuffer
      // and the threaded build cannot start its workers.
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'Cache-Control': 'no-store',
    };
    const send = (code, type, body) => {
      res.writeHead(code, { ...headers, 'Content-Type': type });
      res.end(body);
    };
    const url = new URL(req.url, 'http://127.0.0.1');
    if (req.method === 'GET' && url.pathname === '/') return send(200, 'text/html; charset=utf-8', pageHTML(cfg));
    if (req.method === 'GET') {
      const f = fileFor(url.pathname);
      if (!f) return send(404, 'text/plain', 'not found');
      return fs.readFile(f, (err, data) => err ? send(404, 'text/plain', 'not found')
        : send(200, TYPES[path.extname(f)] || 'application/octet-stream', data));
    }
    if (req.method !== 'POST') return send(405, 'text/plain', 'method not allowed');
    let body = '';
    req.setEncoding('utf8');
    req.on('data', d => { body += d; });
    req.on('end', () => {
      let msg;
      try {
        msg = JSON.parse(body || '{}');
      } catch {
        return send(400, 'text/plain', 'bad JSON');
      }
      if (url.pathname === '/cpu') {
        // Called right before and right after the timed loop.
        const now = browser ? cpuOfTree(browser.pid) : null;
        const delta = now != null && cpuMark != null ? now - cpuMark : null;
        cpuMark = now;
        return send(200, 'application/json', JSON.stringify({ delta_ms: delta }));
      }
      if (url.pathname === '/log') {
        if (!o.json) process.stderr.write(`bench-wasm: chromium: ${msg.msg}\n`);
        return send(200, 'application/json', '{}');
      }
      if (url.pathname === '/result') {
        send(200, 'application/json', '{}');
        return settle(msg);
      }
      return send(404, 'text/plain', 'not found');
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const port = server.address().port;
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'kneetrack-chromium-'));
  let stderrTail = '';
  let timer;
  try {
    browser = spawn(exe, [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-extensions', '--disable-default-apps', '--no-default-browser-check',
      // keep the page at full speed although no one looks at it
      '--disable-renderer-backgrounding', '--disable-background-timer-throttling',
      '--disable-backgrounding-occluded-windows',
      `--user-data-dir=${profile}`,
      `http://127.0.0.1:${port}/`,
    ], { stdio: ['ignore', 'ignore', 'pipe'] });
    browser.stderr.setEncoding('utf8');
    browser.stderr.on('data', d => { stderrTail = (stderrTail + d).slice(-4000); });
    browser.on('error', e => settle({ error: `cannot start ${exe}: ${e.message}` }));
    browser.on('exit', (code, sig) => settle({ error: `Chromium (${exe}) exited early (${sig || `status ${code}`}): ${stderrTail.trim().split('\n').slice(-5).join(' | ')}` }));
    timer = setTimeout(() => settle({ error: `no result from Chromium within ${o.timeout} s (raise --timeout?)` }), o.timeout * 1000);
    const msg = await done;
    if (msg.error) fail(`in Chromium: ${msg.error}`);
    return msg.results.map(r => record(r.name, o, r.t, r.check, {
      runtime: 'chromium',
      engine: (/(Headless)?Chrom(e|ium)\/[\d.]+/.exec(msg.engine) || [msg.engine])[0],
      build: o.threads > 1 ? 'wasm-simd-mt' : 'wasm-simd',
      threads_actual: r.threadsActual,
      load_ms: r.loadMs,
      tfjs: versions,
    }));
  } finally {
    clearTimeout(timer);
    if (browser && browser.pid) await stopChromium(browser);
    server.close();
    // Chromium's helper processes may still be writing to the profile for
    // a moment after the browser process has gone.
    try {
      fs.rmSync(profile, { recursive: true, force: true, maxRetries: 20, retryDelay: 250 });
    } catch (e) {
      process.stderr.write(`bench-wasm: warning: could not remove the temporary Chromium profile ${profile}: ${e.message}\n`);
    }
  }
}

// ------------------------------------------------------------------ main ---

function printTable(results) {
  const head = ['model', 'runtime', 'build', 'threads', 'runs', 'median ms', 'p90 ms', 'min ms', 'CPU/wall', 'check max|diff| (spread)'];
  const rows = results.map(r => [
    r.model, r.runtime, r.build, String(r.threads_actual), String(r.runs), r.median_ms.toFixed(2), r.p90_ms.toFixed(2),
    r.min_ms.toFixed(2), r.cpu_per_wall == null ? '-' : r.cpu_per_wall.toFixed(2),
    !r.check ? 'no fixture' : r.check.error ? r.check.error : `${r.check.max_abs_diff.toExponential(2)} (${r.check.fixture_spread.toExponential(2)})`,
  ]);
  const w = head.map((h, i) => Math.max(h.length, ...rows.map(r => r[i].length)));
  for (const r of [head, ...rows]) console.log(r.map((c, i) => c.padStart(w[i])).join('  '));
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const versions = tfjsVersions();
  const results = o.runtime === 'node' ? await runNode(o, versions) : await runChromium(o, versions);
  for (const r of results) {
    if (r.threads_actual !== o.threads) fail(`${r.model}: TF.js ran with ${r.threads_actual} threads, asked for ${o.threads}`);
    if (r.check && r.check.error) fail(`${r.model}: the output check failed: ${r.check.error}`);
  }
  if (o.json) {
    for (const r of results) console.log(JSON.stringify(r));
  } else {
    printTable(results);
  }
}

main().catch(e => {
  process.stderr.write(`bench-wasm: ${e instanceof BenchError ? e.message : (e && e.stack) || e}\n`);
  process.exit(1);
});
