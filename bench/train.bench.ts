// Training figures of the MNIST LeNet (src/nn, docs/training.md): seconds per epoch on the 7,000 training
// digits at batch 64 on the wasm backend with our gradient path, against tfjs's stock gradients on wasm
// and the cpu backend (a few steps each, extrapolated to an epoch); float test accuracy after N epochs;
// QAT 9/9 and 5/5 test accuracy; the accuracy of the exported integer models under integerForward.
// Writes the 9/9 model to bench/out/lenet-9b.json. The last line is one JSON object.
// Asserts nothing. Run: node --import tsx bench/train.bench.ts [--epochs N] [--seed S] [--no-cpu]
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setupTfjs } from '../src/node/tfjs-setup.ts';
import { useBackend } from '../src/nn/backend.ts';
import { loadDataset } from '../src/node/dataset-files.ts';
import { Net, lenetSpec, type QuantConfig } from '../src/nn/net.ts';
import { LENET_RECIPE, trainNet, type TrainOptions } from '../src/nn/train.ts';
import { argmaxRows, evaluate } from '../src/nn/data.ts';
import { exportPimModel, quantizeInputs } from '../src/nn/export.ts';
import { integerForward } from '../src/pim/reference.ts';
import { serializePimModel } from '../src/pim/model-file.ts';
import type { Dataset } from '../src/data/types.ts';
import type { PimModel } from '../src/pim/types.ts';

const args = process.argv.slice(2);
const argValue = (name: string, dflt: number) => { const i = args.indexOf(name); return i >= 0 ? Number(args[i + 1]) : dflt; };
const EPOCHS = argValue('--epochs', 5);
const SEED = argValue('--seed', 1);
const WITH_CPU = !args.includes('--no-cpu');
/** The LeNet recipe (docs/training.md §3): Adam 6e-3, cosine to 0, batch 64, shift +-2. */
const RECIPE: Omit<TrainOptions, 'epochs'> = { ...LENET_RECIPE, seed: SEED };
const STEPS_PER_EPOCH = Math.ceil(7000 / 64);
const OUT = join(dirname(fileURLToPath(import.meta.url)), 'out', 'lenet-9b.json');

const setup = await setupTfjs('wasm');
const ds = await loadDataset('mnist');
const pct = (x: number) => Math.round(x * 10000) / 100;
const r2 = (x: number) => Math.round(x * 100) / 100;

/** Seconds per 7,000-digit epoch from `steps` training steps (a warm-up step first, untimed). */
async function stepSeconds(backend: 'wasm' | 'cpu', gradPath: 'fast' | 'stock', steps: number): Promise<number> {
  await useBackend(backend);
  const net = new Net(lenetSpec(), SEED);
  net.gradPath = gradPath;
  trainNet(net, ds.train, { ...RECIPE, epochs: 1, limit: 64 });
  const r = trainNet(net, ds.train, { ...RECIPE, epochs: 1, limit: steps * 64 });
  net.dispose();
  await useBackend('wasm');
  return (r.secondsPerEpoch / steps) * STEPS_PER_EPOCH;
}

interface Run { net: Net; testAccuracy: number; validationAccuracy: number; secondsPerEpoch: number }

function train(quant: QuantConfig | undefined, label: string): Run {
  const net = new Net(lenetSpec(), SEED);
  const r = trainNet(net, ds.train, {
    ...RECIPE, epochs: EPOCHS, ...(quant ? { quant } : {}),
    onProgress: (p) => console.log(`  ${label} epoch ${p.epoch}/${p.epochs}: loss ${p.loss.toFixed(4)}, train ${pct(p.trainAccuracy)} %, ${p.epochSeconds.toFixed(2)} s, ETA ${p.etaSeconds.toFixed(0)} s`),
  });
  return { net, testAccuracy: evaluate(net, ds.test).accuracy, validationAccuracy: evaluate(net, ds.validation).accuracy, secondsPerEpoch: r.secondsPerEpoch };
}

/** Accuracy of the exported model under integerForward on the whole test split, and agreement with the net. */
function integerAccuracy(model: PimModel, net: Net, data: Dataset): { accuracy: number; agreement: number; seconds: number } {
  const n = data.test.count;
  const t = performance.now();
  const pred = argmaxRows(integerForward(model, quantizeInputs(data.test, n, model.input), n), model.classes);
  const seconds = (performance.now() - t) / 1000;
  const fq = evaluate(net, data.test).predictions;
  let ok = 0, agree = 0;
  for (let i = 0; i < n; i++) { if (pred[i] === data.test.labels[i]) ok++; if (pred[i] === fq[i]) agree++; }
  return { accuracy: ok / n, agreement: agree / n, seconds };
}

const probe = new Net(lenetSpec(), SEED);
console.log(`backend wasm (SIMD ${setup.simd}, 1 thread); LeNet ${lenetSpec().name}: ${probe.paramCount()} parameters, ${probe.macs()} MACs per image; ${EPOCHS} epochs per run, seed ${SEED}`);
probe.dispose();

// ----- speed: a few steps per path -----
const wasmStock = await stepSeconds('wasm', 'stock', 20);
console.log(`wasm, tfjs's stock gradients (our Conv2DBackpropFilter/MaxPoolGrad kernels): ${wasmStock.toFixed(2)} s/epoch (20 steps)`);
const cpu = WITH_CPU ? await stepSeconds('cpu', 'stock', 3) : undefined;
if (cpu !== undefined) console.log(`cpu backend, stock gradients: ${cpu.toFixed(1)} s/epoch (3 steps)`);

// ----- float, QAT 9/9, QAT 5/5 -----
const float = train(undefined, 'float');
console.log(`float: ${float.secondsPerEpoch.toFixed(2)} s/epoch (median), test ${pct(float.testAccuracy)} %, validation ${pct(float.validationAccuracy)} %`);
const ptq = integerAccuracy(exportPimModel(float.net, ds.train, { weightBits: 9, actBits: 9 }), float.net, ds);
console.log(`float net, PTQ 9/9 exported: integerForward test ${pct(ptq.accuracy)} %`);

const q9 = train({ weightBits: 9, actBits: 9 }, 'QAT 9/9');
const model9 = exportPimModel(q9.net, ds.train, { name: 'lenet-9b', meta: { seed: SEED, epochs: EPOCHS, recipe: RECIPE, testAccuracyFakeQuant: q9.testAccuracy } });
const int9 = integerAccuracy(model9, q9.net, ds);
console.log(`QAT 9/9: ${q9.secondsPerEpoch.toFixed(2)} s/epoch, test ${pct(q9.testAccuracy)} % (fake-quantized), integerForward ${pct(int9.accuracy)} % (agreement ${pct(int9.agreement)} %, ${int9.seconds.toFixed(1)} s)`);
mkdirSync(dirname(OUT), { recursive: true });
writeFileSync(OUT, `${JSON.stringify(serializePimModel({ ...model9, meta: { ...model9.meta, testAccuracyInteger: int9.accuracy } }))}\n`);
console.log(`wrote ${OUT}`);

const q5 = train({ weightBits: 5, actBits: 5 }, 'QAT 5/5');
const int5 = integerAccuracy(exportPimModel(q5.net, ds.train), q5.net, ds);
console.log(`QAT 5/5: ${q5.secondsPerEpoch.toFixed(2)} s/epoch, test ${pct(q5.testAccuracy)} % (fake-quantized), integerForward ${pct(int5.accuracy)} % (agreement ${pct(int5.agreement)} %)`);

console.log(JSON.stringify({
  bench: 'train', net: lenetSpec().name, epochs: EPOCHS, seed: SEED, simd: setup.simd,
  secondsPerEpoch: { wasm: r2(float.secondsPerEpoch), wasmQat: r2(q9.secondsPerEpoch), wasmStockGradients: r2(wasmStock), ...(cpu === undefined ? {} : { cpu: r2(cpu) }) },
  testAccuracyPct: {
    float: pct(float.testAccuracy), floatPtq9Integer: pct(ptq.accuracy), qat9: pct(q9.testAccuracy), qat9Integer: pct(int9.accuracy),
    qat5: pct(q5.testAccuracy), qat5Integer: pct(int5.accuracy),
  },
  validationAccuracyPct: { float: pct(float.validationAccuracy), qat9: pct(q9.validationAccuracy), qat5: pct(q5.validationAccuracy) },
  integerAgreementPct: { qat9: pct(int9.agreement), qat5: pct(int5.agreement) },
  model: 'bench/out/lenet-9b.json',
}));
