// Types of the functional (accuracy) simulator. The semantics are docs/functional.md; a model file
// (format gibbon-pim-model v1) is parsed and validated into a PimModel (src/pim/model-file.ts).

/** A quantized tensor grid: integers in [signed ? -T(bits) : 0, T(bits)], real value = q * scale. */
export interface TensorGrid {
  bits: number;
  scale: number;
  signed: boolean;
}

export interface PimInputSpec extends TensorGrid {
  channels: number;
  height: number;
  width: number;
}

interface PimLayerBase {
  /** Position in the layer list (the key of its random draws). */
  index: number;
  name: string;
  /** Absolute producer indices; -1 = the network input. */
  inputs: number[];
  inC: number;
  inH: number;
  inW: number;
  outC: number;
  outH: number;
  outW: number;
  /** The grid of this layer's output tensor (a placeholder on the last layer, whose output is logits). */
  out: TensorGrid;
}

/** conv and fc (fc: kernel 1, inH = inW = outH = outW = 1, inC = in features). */
export interface PimMatrixLayer extends PimLayerBase {
  type: 'conv' | 'fc';
  kernel: number;
  stride: number;
  /** [top, left, bottom, right] */
  padding: [number, number, number, number];
  convGroups: number;
  weightBits: number;
  /** Integers, conv order [co][ci of the group][kh][kw]; fc order [o][i]. */
  weights: Int32Array;
  /** One per output channel (a per-layer scale is broadcast). */
  weightScale: Float64Array;
  /** Integers in accumulator units (input scale x weightScale[c]). */
  bias: Float64Array;
  /** The grid of the input tensor (its bits are the layer's activation bits). */
  input: TensorGrid;
  relu: boolean;
  /** The last layer yields logits instead of a requantized tensor. */
  isLast: boolean;
  /** ADC full scale for the calibrated range mode, in partial-sum units (absent = measure it). */
  psumRange?: number;
}

export interface PimPoolLayer extends PimLayerBase {
  type: 'pool';
  mode: 'max' | 'avg';
  kernel: number;
  stride: number;
  padding: [number, number, number, number];
}

export interface PimAddLayer extends PimLayerBase {
  type: 'add';
  relu: boolean;
  /** The producers' scales, in input order. */
  inputScales: number[];
}

export type PimLayer = PimMatrixLayer | PimPoolLayer | PimAddLayer;

export interface PimModel {
  name: string;
  input: PimInputSpec;
  layers: PimLayer[];
  classes: number;
  /** Free-form metadata carried by the model file (provenance, accuracies); never read by the simulators. */
  meta?: Record<string, unknown>;
}

/** Device non-idealities and ADC range (the architecture's `nonideal` section and `adc.rangeMode`). */
export interface PimDeviceOptions {
  /**
   * The ADC full scale (docs/functional.md §5): the worst case ('fixed'), or per layer from the calibration
   * images: their largest ideal |partial sum| ('calibrated'), or that divided by the power of two 2^k,
   * k = 0..4, with the least conversion error ('least-error'). The kernel reads both calibrated modes alike:
   * it is given the ranges.
   */
  rangeMode: 'fixed' | 'calibrated' | 'least-error';
  safHrsPct: number;
  safLrsPct: number;
  variationSigmaPctOfR: number;
  /** R_HRS / R_LRS; Infinity = ideal (no leak through off cells). */
  hrsLrsRatio: number;
  /** Std of additive read noise per conversion, in partial-sum units. */
  readNoiseSigma: number;
}

/** The crossbar parameters the functional simulator reads from an ArchConfig. */
export interface PimHardware {
  xbarRows: number;
  xbarCols: number;
  cellBits: number;
  dacBits: number;
  adcBits: number;
  polarity: 1 | 2;
  subPosition: 0 | 1;
  /** Rows summed by one conversion (DACs per group, as the hardware model counts them). */
  rowsPerConversion: number;
  device: PimDeviceOptions;
}

export interface PimLayerStats {
  index: number;
  name: string;
  conversions: number;
  saturated: number;
  /** Sum over conversions of |p̂ - p_ideal|. */
  absErrorSum: number;
  adcSaturationFrac: number;
  psumMae: number;
  rowTiles: number;
  weightSlices: number;
  inputCycles: number;
  /** The ADC full scale used per conversion chunk (calibrated mode), or -1 for fixed. */
  psumRange: number;
}

export interface PimBatchResult {
  /** n x classes, row-major. */
  logits: Float64Array;
  predictions: Int32Array;
  stats: PimLayerStats[];
}
