// The functional (accuracy) simulator's ABI records (docs/abi.md §9): offsets, in f64 slots, of
// every field of the model header, the layer record, the hardware record, the per-layer statistics and
// the error record, plus the status codes. Plain integer constants only, so that asc compiles this file
// into the kernel and the TypeScript host (src/pim/kernel.ts) imports it: one source of truth for both.
// Bump PIM_ABI_VERSION on any change.

export const PIM_ABI_VERSION = 1;

// ===== Model header (FM_LEN f64) =====
export const FM_VERSION = 0; // must equal PIM_ABI_VERSION
export const FM_N_LAYERS = 1;
export const FM_IN_C = 2; // network input channels
export const FM_IN_H = 3;
export const FM_IN_W = 4;
export const FM_IN_BITS = 5; // the input grid: bits (2..16)
export const FM_IN_SIGNED = 6; // 1 signed [-T, T], 0 unsigned [0, T]
export const FM_IN_SCALE = 7; // informative (the host quantizes the input)
export const FM_CLASSES = 8; // logits per image = the last layer's outC * outH * outW
export const FM_LAYERS_PTR = 9; // byte address of FM_N_LAYERS layer records, back to back
export const FM_LEN = 10;

// ===== Layer record (FL_LEN f64) =====
export const FL_TYPE = 0; // FT_*
export const FL_IN_C = 1; // fc: in features (the producer flattened in (c, h, w) order)
export const FL_IN_H = 2; // fc: 1
export const FL_IN_W = 3; // fc: 1
export const FL_OUT_C = 4; // fc: out features
export const FL_OUT_H = 5;
export const FL_OUT_W = 6;
export const FL_KERNEL = 7; // conv 1..15, pool >= 1; fc: 1
export const FL_STRIDE = 8;
export const FL_PAD_TOP = 9;
export const FL_PAD_LEFT = 10;
export const FL_PAD_BOTTOM = 11;
export const FL_PAD_RIGHT = 12;
export const FL_CONV_GROUPS = 13;
export const FL_POOL_MODE = 14; // 0 max, 1 avg
export const FL_WEIGHT_BITS = 15; // conv/fc: 2..16
export const FL_IN_BITS = 16; // conv/fc: bits of the input tensor (the DAC input), 2..16
export const FL_IN_SIGNED = 17; // informative
export const FL_IN_SCALE = 18; // conv/fc: the input scale s_x (> 0)
export const FL_OUT_BITS = 19; // conv/fc (not last), add: 2..16; pool: its input's bits
export const FL_OUT_SIGNED = 20; // informative (signed = !relu)
export const FL_OUT_SCALE = 21; // conv/fc (not last), add: > 0
export const FL_RELU = 22; // 0/1
export const FL_IS_LAST = 23; // 1 on the last layer only (it yields the logits)
export const FL_WEIGHTS_PTR = 24; // byte address of i32 weights: conv [co][ci of group][kh][kw], fc [o][i]
export const FL_WEIGHT_SCALE_PTR = 25; // byte address of outC f64
export const FL_BIAS_PTR = 26; // byte address of outC f64 (integers, accumulator units)
export const FL_N_INPUTS = 27; // conv/fc/pool 1; add 2..FMAX_INPUTS
export const FL_INPUT0 = 28; // absolute producer indices (-1 = network input), FMAX_INPUTS slots
export const FMAX_INPUTS = 64; // as the model file (MAX_ADD_INPUTS)
export const FL_ADD_SCALE0 = FL_INPUT0 + FMAX_INPUTS; // add: the producers' scales, FMAX_INPUTS slots
export const FL_LEN = FL_ADD_SCALE0 + FMAX_INPUTS;

export const FT_CONV = 0;
export const FT_FC = 1;
export const FT_POOL = 2;
export const FT_ADD = 3;

// ===== Hardware record (FH_LEN f64) =====
export const FH_XBAR_ROWS = 0; // R
export const FH_XBAR_COLS = 1; // C
export const FH_CELL_BITS = 2; // b, 1..8
export const FH_DAC_BITS = 3; // d, 1..8
export const FH_ADC_BITS = 4; // Q, 2..32
export const FH_POLARITY = 5; // 1 or 2
export const FH_SUB_POSITION = 6; // 0 analog subtraction, 1 after the ADC (polarity 2 only)
export const FH_ROWS_PER_CONVERSION = 7; // DACs per group
export const FH_RANGE_MODE = 8; // 0 fixed, 1 calibrated
export const FH_SAF_HRS_PCT = 9;
export const FH_SAF_LRS_PCT = 10;
export const FH_VARIATION_SIGMA_PCT = 11;
export const FH_HRS_LRS_RATIO = 12; // > 1, or +Infinity (ideal)
export const FH_READ_NOISE_SIGMA = 13; // >= 0, partial-sum units
export const FH_LEN = 14;

// ===== Statistics, one record per layer index (FS_LEN f64; zeros for pool and add) =====
export const FS_CONVERSIONS = 0;
export const FS_SATURATED = 1;
export const FS_ABS_ERROR_SUM = 2; // sum over conversions of |p̂ - p_ideal|
export const FS_PSUM_MAX = 3; // max |p_ideal| seen (for calibration)
export const FS_PSUM_RANGE = 4; // the calibrated full scale used, -1 in fixed mode
export const FS_ROW_TILES = 5;
export const FS_WEIGHT_SLICES = 6;
export const FS_INPUT_CYCLES = 7;
export const FS_IS_MATRIX = 8; // 1 for conv/fc
export const FS_SEGMENTS = 9; // (group, row tile, chunk) triples: the conversions per column, slice and cycle
export const FS_LEN = 10;

// ===== Error record (FE_LEN f64), written by gibbon_pim_error =====
export const FE_STATUS = 0;
export const FE_LAYER = 1; // layer index; FE_AT_* for the other records
export const FE_FIELD = 2; // FL_*, FH_*, FM_* or FR_* offset of the offending field, -1 none
export const FE_VALUE = 3; // the offending value
export const FE_INDEX = 4; // element index inside an array field (weights, bias, inputs), -1 none
export const FE_LEN = 5;

export const FE_AT_HARDWARE = -1; // FE_FIELD is an FH_* offset
export const FE_AT_MODEL = -2; // FE_FIELD is an FM_* offset
export const FE_AT_RUN = -3; // FE_FIELD is an FR_* argument

// Run arguments named by errors at FE_AT_RUN
export const FR_INPUTS = 0;
export const FR_N = 1;
export const FR_HANDLE = 2;
export const FR_PSUM_RANGES = 3;

// ===== Status codes (returned by every entry point; prepare returns -status) =====
// The values shared with assembly/errors.ts keep their numbers there.
export const PS_OK = 0;
export const PS_HW_FIELD = 1; // a hardware field out of range (= E_ARCH_FIELD)
export const PS_LAYER_FIELD = 2; // a layer field out of range (= E_LAYER_FIELD)
export const PS_KERNEL_TOO_LARGE = 3; // K*K rows do not fit in one crossbar (= E_KERNEL_TOO_LARGE)
export const PS_SHAPE = 6; // a layer's input shape differs from its producer's output (= E_SHAPE)
export const PS_INPUT_INDEX = 7; // a producer that is not an earlier layer (= E_INPUT_INDEX)
export const PS_BAD_CALL = 8; // null pointer or bad count (= E_BAD_CALL)
export const PS_MODEL_FIELD = 20; // a model header field out of range
export const PS_WEIGHT_RANGE = 21; // a weight outside [-T(w), T(w)] (FE_INDEX = its position)
export const PS_INPUT_RANGE = 22; // a network input value outside its grid (FE_INDEX = its position)
export const PS_PSUM_RANGE = 23; // calibrated mode without a finite full scale for a layer
export const PS_TOO_LARGE = 24; // the prepared chip would not fit in linear memory (FE_VALUE = bytes)
export const PS_BAD_HANDLE = 25; // not a live handle
export const PS_UNSUPPORTED = 26; // the f32 baseline runs only integer (ideal-conductance) layers
export const PS_BIT_WIDTH = 27; // an input grid wider than the layer's DAC input bits (digits would be lost)
