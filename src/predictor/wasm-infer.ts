// The predictor's forward pass in our own WASM kernel (assembly/predictor.ts, docs/abi.md §10): packs the
// weights once per predictor state into the module's memory, packs padded token batches, and returns the
// same normalized outputs [batch, heads] as the tfjs forward (model.ts). Web-standard: it needs only the
// exports of an instantiated gibbon.wasm (Simulator.exports).
import * as R from '../../assembly/predictor-layout.ts';
import type { GibbonExports } from '../hw/simulator.ts';
import { GibbonError } from '../util/errors.ts';
import type { WeightName } from './model.ts';
import type { CellKind } from './types.ts';

/** The exports the inference needs (a Simulator's `exports` has them). */
export type PredictorWasmExports = Pick<GibbonExports,
  'memory' | 'gibbon_alloc' | 'gibbon_free' | 'gibbon_rnn_abi_version' | 'gibbon_rnn_forward' | 'gibbon_rnn_error'>;

/** The sizes of a predictor network (docs/predictor.md §3). */
export interface RnnShape {
  cell: CellKind;
  /** Features per layer token, the presence flag last. */
  layerFeatures: number;
  hardwareFeatures: number;
  tokenSize: number;
  hardwareSize: number;
  hiddenSize: number;
  mlpSize: number;
  costChannels: number;
  heads: number;
  /** 1: the costs are pooled by log-sum-exp and max, [lse, max]; 0: log-sum-exp only. */
  costMaxPool: number;
  /** 1: the cost channels read [h'_t, token_t]; 0: h'_t only. */
  costTokenInput: number;
  /** Width of the relu layer before the cost channels (cost.Wh, cost.bh); 0: none. */
  costHiddenSize: number;
}

/** The weight tensors in the kernel's order (docs/predictor.md §3 table; model.ts weightShapes). */
export const RNN_WEIGHT_ORDER: readonly WeightName[] = [
  'embed.token.W', 'embed.token.b', 'embed.hw.W', 'embed.hw.b', 'rnn.Wtoken', 'rnn.Whw', 'rnn.U', 'rnn.b',
  'cost.W', 'cost.b', 'mlp.W1', 'mlp.b1', 'mlp.W2', 'mlp.b2', 'head.W', 'head.Wcost', 'head.b',
];
/** The tensors that follow RNN_WEIGHT_ORDER when costHiddenSize > 0. */
export const RNN_COST_HIDDEN_WEIGHTS: readonly WeightName[] = ['cost.Wh', 'cost.bh'];
const weightOrder = (s: RnnShape) => (s.costHiddenSize > 0 ? [...RNN_WEIGHT_ORDER, ...RNN_COST_HIDDEN_WEIGHTS] : RNN_WEIGHT_ORDER);

/** A padded batch: tokens [n, steps, layerFeatures] (padded steps all zero), hardware [n, hardwareFeatures]. */
export interface PaddedBatch {
  n: number;
  steps: number;
  tokens: Float32Array;
  hardware: Float32Array;
}

const FIELD_NAMES: Record<number, string> = {
  [R.RS_CELL]: 'cell', [R.RS_LAYER_FEATURES]: 'layerFeatures', [R.RS_HARDWARE_FEATURES]: 'hardwareFeatures',
  [R.RS_TOKEN_SIZE]: 'tokenSize', [R.RS_HARDWARE_SIZE]: 'hardwareSize', [R.RS_HIDDEN_SIZE]: 'hiddenSize',
  [R.RS_MLP_SIZE]: 'mlpSize', [R.RS_COST_CHANNELS]: 'costChannels', [R.RS_HEADS]: 'heads', [R.RS_WEIGHT_COUNT]: 'weight count',
  [R.RS_COST_MAX_POOL]: 'costMaxPool', [R.RS_COST_TOKEN_INPUT]: 'costTokenInput', [R.RS_COST_HIDDEN_SIZE]: 'costHiddenSize',
  [R.RA_SHAPE_PTR]: 'shape pointer', [R.RA_WEIGHTS_PTR]: 'weights pointer', [R.RA_TOKENS_PTR]: 'tokens pointer',
  [R.RA_HARDWARE_PTR]: 'hardware pointer', [R.RA_OUT_PTR]: 'output pointer', [R.RA_BATCH]: 'batch', [R.RA_STEPS]: 'steps',
};

/** The message of a failed gibbon_rnn_forward, from its error record. */
export function rnnErrorMessage(record: Float64Array): string {
  const status = record[R.RE_STATUS], field = record[R.RE_FIELD], value = record[R.RE_VALUE];
  if (status === R.RN_EMPTY_SEQUENCE) return `predictor kernel: candidate ${record[R.RE_CANDIDATE]} has no present layer (presence flag 0 at every step)`;
  const what = FIELD_NAMES[field] ?? `field ${field}`;
  if (status === R.RN_SHAPE_FIELD) return `predictor kernel: shape field ${what}: got ${value}, out of range`;
  if (status === R.RN_BAD_CALL) return `predictor kernel: bad call: ${what} ${value} (null, out of range, or past the end of memory)`;
  return `predictor kernel: status ${status}`;
}

/** A block of WASM memory from gibbon_alloc, regrown on demand. */
class WasmBlock {
  ptr = 0;
  bytes = 0;
  constructor(private readonly exports: PredictorWasmExports) {}
  reserve(bytes: number): number {
    if (bytes > this.bytes) {
      this.free();
      this.bytes = Math.max(bytes, 1 << 12);
      this.ptr = this.exports.gibbon_alloc(this.bytes);
    }
    return this.ptr;
  }
  free(): void {
    if (this.ptr !== 0) this.exports.gibbon_free(this.ptr);
    this.ptr = 0; this.bytes = 0;
  }
}

const align16 = (bytes: number) => (bytes + 15) & ~15;

/** The inference kernel on one instance (one call at a time). */
export class WasmPredictorKernel {
  readonly #exports: PredictorWasmExports;
  readonly #model: WasmBlock;
  readonly #io: WasmBlock;
  #shape: RnnShape | null = null;

  constructor(exports: PredictorWasmExports) {
    if (typeof exports.gibbon_rnn_forward !== 'function') throw new GibbonError('E_KERNEL', 'gibbon.wasm has no gibbon_rnn_forward: rebuild with npm run build');
    const v = exports.gibbon_rnn_abi_version();
    if (v !== R.RNN_ABI_VERSION) throw new GibbonError('E_KERNEL', `gibbon.wasm: predictor ABI version ${v}; this host speaks ${R.RNN_ABI_VERSION}: rebuild with npm run build`);
    this.#exports = exports;
    this.#model = new WasmBlock(exports);
    this.#io = new WasmBlock(exports);
  }

  get shape(): RnnShape | null { return this.#shape; }

  /** Copies the shape record and the weights (RNN_WEIGHT_ORDER, then RNN_COST_HIDDEN_WEIGHTS if any) into WASM memory. */
  upload(shape: RnnShape, weights: ReadonlyMap<WeightName, Float32Array>): void {
    const order = weightOrder(shape);
    const count = order.reduce((n, name) => n + (weights.get(name)?.length ?? 0), 0);
    const base = this.#model.reserve(R.RS_LEN * 8 + count * 4);
    const mem = this.#exports.memory.buffer;
    const rec = new Float64Array(mem, base, R.RS_LEN);
    rec[R.RS_CELL] = shape.cell === 'gru' ? R.RNN_GRU : R.RNN_LSTM;
    rec[R.RS_LAYER_FEATURES] = shape.layerFeatures; rec[R.RS_HARDWARE_FEATURES] = shape.hardwareFeatures;
    rec[R.RS_TOKEN_SIZE] = shape.tokenSize; rec[R.RS_HARDWARE_SIZE] = shape.hardwareSize; rec[R.RS_HIDDEN_SIZE] = shape.hiddenSize;
    rec[R.RS_MLP_SIZE] = shape.mlpSize; rec[R.RS_COST_CHANNELS] = shape.costChannels; rec[R.RS_HEADS] = shape.heads;
    rec[R.RS_WEIGHT_COUNT] = count;
    rec[R.RS_COST_MAX_POOL] = shape.costMaxPool; rec[R.RS_COST_TOKEN_INPUT] = shape.costTokenInput; rec[R.RS_COST_HIDDEN_SIZE] = shape.costHiddenSize;
    const values = new Float32Array(mem, base + R.RS_LEN * 8, count);
    let at = 0;
    for (const name of order) {
      const w = weights.get(name);
      if (w === undefined) throw new GibbonError('E_KERNEL', `predictor kernel: weight ${name} is missing`);
      values.set(w, at);
      at += w.length;
    }
    this.#shape = { ...shape };
  }

  /** Normalized predictions [batch.n, heads] of a padded batch (throws a GibbonError on a bad call). */
  forward(batch: PaddedBatch): Float32Array {
    const shape = this.#shape;
    if (shape === null) throw new GibbonError('E_KERNEL', 'predictor kernel: no weights uploaded');
    const { n, steps } = batch;
    const tokenBytes = align16(batch.tokens.length * 4), hwBytes = align16(batch.hardware.length * 4), outBytes = n * shape.heads * 4;
    const base = this.#io.reserve(tokenBytes + hwBytes + align16(outBytes) + R.RE_LEN * 8);
    const tokensPtr = base, hardwarePtr = base + tokenBytes, outPtr = hardwarePtr + hwBytes, errPtr = outPtr + align16(outBytes);
    let mem = this.#exports.memory.buffer; // after reserve: a memory.grow detaches earlier views
    new Float32Array(mem, tokensPtr, batch.tokens.length).set(batch.tokens);
    new Float32Array(mem, hardwarePtr, batch.hardware.length).set(batch.hardware);
    const status = this.#exports.gibbon_rnn_forward(this.#model.ptr, this.#model.ptr + R.RS_LEN * 8, tokensPtr, hardwarePtr, n, steps, outPtr);
    if (status !== R.RN_OK) {
      this.#exports.gibbon_rnn_error(errPtr);
      throw new GibbonError('E_KERNEL', rnnErrorMessage(new Float64Array(this.#exports.memory.buffer, errPtr, R.RE_LEN).slice()));
    }
    mem = this.#exports.memory.buffer; // the call may have grown the memory (its scratch)
    return new Float32Array(mem, outPtr, n * shape.heads).slice();
  }

  /** Frees the kernel's blocks of WASM memory. */
  dispose(): void {
    this.#model.free();
    this.#io.free();
    this.#shape = null;
  }
}
