// Public types of the hardware simulator: the architecture JSON, the network (layer list) JSON and
// the simulation result. Units end the names (mnsim-model.md §0: µm², W, ns, nJ).

export type ModelName = 'gibbon' | 'mnsim-2.0';

/** A converter from the built-in table (`choice` 1..7 DAC, 1..9 ADC) or user-defined (`choice: -1`). */
export interface ConverterConfig {
  /** Table entry; -1 = user-defined by the `custom*` fields. */
  choice: number;
  /** Convenience: pick the table entry by resolution (see docs/model.md). Conflicts with a different `choice`. */
  bits?: number;
  customAreaUm2: number;
  customBits: number;
  customPowerW: number;
  customSampleRateGsps: number;
}

export interface DigitalModuleConfig {
  techNm: number;
  /** 0 = from the technology table. */
  areaUm2: number;
  /** 0 = from the technology table. */
  powerW: number;
}

export interface ArchConfig {
  device: {
    type: 'NVM' | 'SRAM';
    techNm: number;
    areaUm2: number;
    /** Read voltage levels in V; the first and last are used. */
    readVoltagesV: number[];
    readLatencyNs: number;
    /** Resistance per level in Ω, HRS first, LRS last. */
    resistancesOhm: number[];
    cellBits: number;
    sramReadEnergyJ: number;
  };
  xbar: {
    rows: number;
    cols: number;
    subarrayRows: number;
    polarity: 1 | 2;
    cellType: '1T1R' | '0T1R';
    transistorTechNm: number;
    areaCalculation: 0 | 1;
  };
  dac: ConverterConfig;
  adc: ConverterConfig & {
    logicOp: number;
    /**
     * ADC full-scale range of the functional simulator (docs/functional.md §5): worst case, calibrated per
     * layer to the largest partial sum, or calibrated per layer for the least conversion error.
     */
    rangeMode: 'fixed' | 'calibrated' | 'least-error';
  };
  pe: {
    pimType: 'analog' | 'digital';
    subPosition: 0 | 1;
    /** Crossbar groups per PE (MNSIM Group_Num); not conv groups. */
    groups: number;
    dacNum: number;
    adcNum: number;
    inBufSizeKB: number;
    inBufAreaUm2: number;
  };
  digital: {
    frequencyMHz: number;
    adder: DigitalModuleConfig;
    shiftReg: DigitalModuleConfig;
    reg: DigitalModuleConfig;
    jointModule: DigitalModuleConfig;
  };
  tile: {
    peRows: number;
    peCols: number;
    poolingWindow: [number, number];
    poolingUnits: number;
    poolingTechNm: number;
    outBufSizeKB: number;
    outBufAreaUm2: number;
    interTileBandwidthGbps: number;
    intraTileBandwidthGbps: number;
  };
  chip: {
    tileRows: number;
    tileCols: number;
    tileConnection: 0 | 1 | 2 | 3;
    bufferTechNm: number;
    bufferBitwidth: number;
  };
  sim: { level: 0 | 1 };
  /** Device non-idealities of the functional simulator (docs/functional.md §5); all off = ideal. */
  nonideal: {
    /** Share of cells stuck at HRS (level 0), in percent. */
    safHrsPct: number;
    /** Share of cells stuck at LRS (the top level), in percent. */
    safLrsPct: number;
    /** Std σ of the resistance variation R(1 + σz), in percent of R. */
    variationSigmaPctOfR: number;
    /** R_HRS / R_LRS: null = ideal (no leak), 'device' = resistancesOhm first / last, or a number > 1. */
    hrsLrsRatio: number | 'device' | null;
    /** Std of additive read noise per conversion, in partial-sum units. */
    readNoiseSigma: number;
  };
}

export type LayerType = 'conv' | 'fc' | 'pool' | 'add';

/** One layer of a network file. Shapes are the layer's input; outputs are derived. */
export interface LayerSpec {
  type: LayerType;
  name?: string;
  /** conv, pool: input channels; fc: use inFeatures. */
  inChannels?: number;
  /** conv, pool: input [height, width]. */
  inSize?: [number, number];
  /** conv: output channels. */
  outChannels?: number;
  /** conv, pool: square kernel side (even kernels allowed). */
  kernel?: number;
  stride?: number;
  /** [top, left, bottom, right], or one number for all four sides. */
  padding?: number | [number, number, number, number];
  /** conv only: grouped convolution (1 = dense). */
  convGroups?: number;
  /** pool only. */
  poolMode?: 'max' | 'avg';
  /** fc only. */
  inFeatures?: number;
  outFeatures?: number;
  /** Signed weight bits (sign + magnitude), conv/fc. */
  weightBits?: number;
  /** Bits of the tensor this layer reads (its input activations). */
  activationBits?: number;
  /** Bits of the tensor it writes; default: the first consumer's activationBits, else its own. */
  outputBits?: number;
  /** Relative indices of the producers (-1 = previous layer, the default). An input before layer 0 is the network input. */
  inputs?: number[];
}

export interface NetworkSpec {
  name: string;
  layers: LayerSpec[];
}

/** A layer after validation: every field resolved, shapes checked, producers absolute. */
export interface ResolvedLayer {
  type: LayerType;
  name: string;
  inChannels: number;
  inH: number;
  inW: number;
  outChannels: number;
  outH: number;
  outW: number;
  kernel: number;
  stride: number;
  padding: [number, number, number, number];
  convGroups: number;
  poolMode: 'max' | 'avg';
  weightBits: number;
  inputBits: number;
  outputBits: number;
  /** Absolute producer indices; -1 = network input. */
  inputs: number[];
}

export interface ComponentBreakdown {
  xbar: number;
  dac: number;
  adc: number;
  buffer: number;
  pooling: number;
  adder: number;
  shiftReg: number;
  reg: number;
  mux: number;
  jointModule: number;
  globalAccumulator: number;
}

export interface LayerResult {
  index: number;
  name: string;
  type: LayerType;
  tiles: number;
  pes: number;
  xbars: number;
  areaUm2: number;
  powerW: number;
  energyNj: number;
  beginNs: number;
  firstDoneNs: number;
  lastDoneNs: number;
  pixelLatencyNs: number;
  outputPixels: number;
  utilizationFrac: number;
  ops: number;
  rowTiles: number;
  colTiles: number;
  weightSlices: number;
  inputCycles: number;
  rowsUsed: number;
  colsUsed: number;
  hopsIn: number;
  hopsOut: number;
  firstTile: number;
  areaUm2ByComponent: ComponentBreakdown;
  powerWByComponent: ComponentBreakdown;
  energyNjByComponent: ComponentBreakdown;
}

export interface SimTotals {
  tiles: number;
  pes: number;
  xbars: number;
  areaUm2: number;
  /** MNSIM's power: the sum of per-layer powers. */
  powerW: number;
  latencyNs: number;
  energyNj: number;
  ops: number;
  utilizationFrac: number;
  peInBufKB: number;
  tileOutBufKB: number;
  globalBufKB: number;
  globalAdders: number;
}

export interface SimResult {
  model: ModelName;
  pipeline: boolean;
  totals: SimTotals;
  layers: LayerResult[];
  areaUm2ByComponent: ComponentBreakdown;
  powerWByComponent: ComponentBreakdown;
  energyNjByComponent: ComponentBreakdown;
}

/** What a totals-only batch returns (simulateBatch(jobs, { detail: 'totals' })): no per-layer records. */
export interface SimSummary {
  model: ModelName;
  pipeline: boolean;
  totals: SimTotals;
}

export type SimDetail = 'full' | 'totals';

export interface SimOptions {
  model?: ModelName;
  /** Inter-layer pipeline (MNSIM default). */
  pipeline?: boolean;
}

/** Advanced: the raw model-switch bitmask (SW_* in assembly/layout.ts), overriding `model`'s. */
export interface SimOptionsAdvanced extends SimOptions {
  switches?: number;
}
