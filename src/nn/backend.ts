// tfjs backend selection and the kernels Gibbon-TS adds to it (docs/training.md §1). Web-standard: the
// wasm backend loads its .wasm binaries by itself in Node; in a browser call tf.wasm.setWasmPaths first
// (src/node/tfjs-setup.ts is the Node entry point).
//
// tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter, so any conv training on it throws. We register our
// own, composed of wasm kernels (a convolution of the transposed input with dy, below), and a faster
// MaxPoolGrad.

import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

export type NnBackend = 'wasm' | 'cpu';

/** What a kernel function receives (the subset we use). */
interface KernelArgs {
  inputs: Record<string, tf.TensorInfo>;
  backend: unknown;
  attrs: Record<string, unknown>;
}

/** The parts of tfjs-backend-wasm's BackendWasm the kernel uses (public members of its class). */
interface WasmBackendLike {
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
  disposeData(dataId: object): boolean;
}

function convInfoOf(xShape: number[], attrs: Record<string, unknown>): tf.backend_util.Conv2DInfo {
  const dataFormat = attrs.dataFormat === 'NCHW' ? 'channelsFirst' : 'channelsLast';
  if (dataFormat !== 'channelsLast') throw new Error('Conv2DBackpropFilter (gibbon nn): only NHWC is supported');
  return tf.backend_util.computeConv2DInfo(xShape as [number, number, number, number], attrs.filterShape as [number, number, number, number],
    attrs.strides as [number, number], 1, attrs.pad as 'valid', attrs.dimRoundingMode as 'round' | undefined, false, 'channelsLast');
}

/** Runs a registered wasm kernel on tensor infos (kernel composition inside a kernel). */
function runWasm(name: string, inputs: Record<string, tf.TensorInfo>, attrs: Record<string, unknown>, backend: unknown): tf.TensorInfo {
  const k = tf.getKernel(name, 'wasm');
  if (!k) throw new Error(`gibbon nn: the wasm backend has no ${name} kernel`);
  return k.kernelFunc({ inputs, backend: backend as tf.KernelBackend, attrs: attrs as tf.NamedAttrMap }) as tf.TensorInfo;
}

/**
 * Conv2DBackpropFilter for the wasm backend, as a convolution: dW[kh, kw, c, o] = sum over (b, i, j) of
 * xpad[b, i*s + kh, j*s + kw, c] * dy[b, i, j, o] is the input with batch and channels swapped
 * ([C, H, W, B]) convolved, stride 1, with dy as the filter ([oh, ow, B, O], dilated by the stride): the
 * result [C, kh', kw', O] (kh' >= kh) is cropped and transposed to [kh, kw, C, O]. XNNPACK gathers the
 * patches itself, so no im2col matrix is materialised in JS.
 */
function wasmBackpropFilter({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const be = backend as WasmBackendLike;
  const { x, dy } = inputs;
  const ci = convInfoOf(x.shape, attrs);
  const { filterHeight: kh, filterWidth: kw, inChannels: C, outChannels: O } = ci;
  const { top, bottom, left, right } = ci.padInfo;
  const xT = runWasm('Transpose', { x }, { perm: [3, 1, 2, 0] }, backend);
  const dyT = runWasm('Transpose', { x: dy }, { perm: [1, 2, 0, 3] }, backend);
  const r = runWasm('Conv2D', { x: xT, filter: dyT }, {
    strides: [1, 1], pad: [[0, 0], [top, bottom], [left, right], [0, 0]], dataFormat: 'NHWC',
    dilations: [ci.strideHeight, ci.strideWidth], dimRoundingMode: undefined,
  }, backend);
  be.disposeData(xT.dataId);
  be.disposeData(dyT.dataId);
  let rc = r;
  if (r.shape[1] !== kh || r.shape[2] !== kw) {
    rc = runWasm('Slice', { x: r }, { begin: [0, 0, 0, 0], size: [C, kh, kw, O] }, backend);
    be.disposeData(r.dataId);
  }
  const out = runWasm('Transpose', { x: rc }, { perm: [1, 2, 0, 3] }, backend);
  be.disposeData(rc.dataId);
  return out;
}

/**
 * dx of a max pool: each output's gradient goes to the first maximum of its window (row-major), as
 * tfjs's cpu kernel does; overlapping windows add up. `x` and `dy` NHWC, `dx` zeroed by the caller.
 */
export function maxPoolBackprop(dx: Float32Array, x: Float32Array, dy: Float32Array, pi: tf.backend_util.Conv2DInfo): void {
  const { batchSize: B, inHeight: H, inWidth: W, inChannels: C, outHeight: oh, outWidth: ow,
    filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = pi;
  const top = pi.padInfo.top, left = pi.padInfo.left;
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < oh; i++) {
      const r0 = Math.max(i * sh - top, 0), r1 = Math.min(i * sh - top + fh, H);
      for (let j = 0; j < ow; j++) {
        const c0 = Math.max(j * sw - left, 0), c1 = Math.min(j * sw - left + fw, W);
        const dyBase = ((b * oh + i) * ow + j) * C;
        for (let c = 0; c < C; c++) {
          let best = -Infinity, at = -1;
          for (let r = r0; r < r1; r++) {
            let p = ((b * H + r) * W + c0) * C + c;
            for (let q = c0; q < c1; q++, p += C) if (x[p] > best) { best = x[p]; at = p; }
          }
          if (at >= 0) dx[at] += dy[dyBase + c];
        }
      }
    }
  }
}

/** MaxPoolGrad for the wasm backend (its own kernel is about 5x slower on training shapes). */
function wasmMaxPoolGrad({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const be = backend as WasmBackendLike;
  const { dy, input } = inputs;
  const pi = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], attrs.filterSize as number,
    attrs.strides as number, 1, attrs.pad as 'valid', attrs.dimRoundingMode as 'round' | undefined);
  const dx = be.makeOutput(input.shape, 'float32');
  const dxv = be.typedArrayFromHeap(dx);
  dxv.fill(0);
  maxPoolBackprop(dxv, be.typedArrayFromHeap(input), be.typedArrayFromHeap(dy), pi);
  return dx;
}

let kernelsRegistered = false;

/**
 * Registers Gibbon-TS's kernels for wasm (idempotent): Conv2DBackpropFilter (missing in tfjs-backend-wasm)
 * and MaxPoolGrad (replacing a slower one). The cpu backend keeps its own kernels (the tests' reference).
 */
export function registerNnKernels(): void {
  if (kernelsRegistered) return;
  const put = (kernelName: string, kernelFunc: (a: KernelArgs) => tf.TensorInfo) => {
    if (tf.getKernel(kernelName, 'wasm')) tf.unregisterKernel(kernelName, 'wasm');
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc: kernelFunc as unknown as tf.KernelFunc });
  };
  put('Conv2DBackpropFilter', wasmBackpropFilter);
  put('MaxPoolGrad', wasmMaxPoolGrad);
  kernelsRegistered = true;
}

/**
 * Selects a backend for training and inference: 'wasm' (XNNPACK, SIMD where available, single-threaded in
 * Node; the default and by far the faster, docs/training.md) or 'cpu' (pure JS, for checks). Registers
 * our kernels first. Returns the backend's name.
 */
export async function useBackend(name: NnBackend = 'wasm'): Promise<NnBackend> {
  registerNnKernels();
  if (tf.getBackend() !== name) {
    const ok = await tf.setBackend(name);
    if (!ok) throw new Error(`tfjs: the ${name} backend failed to initialize`);
  }
  await tf.ready();
  return name;
}

/** Whether the wasm backend runs its SIMD binary (after useBackend('wasm')). */
export function wasmSimd(): boolean {
  return tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
}
