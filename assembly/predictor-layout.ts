// The predictor inference ABI (docs/abi.md §10): the slots of the network-shape record and of the error
// record, and the status codes. Plain integer constants only, so that asc compiles this file into the
// kernel and the TypeScript host (src/predictor/wasm-infer.ts) imports it. Bump RNN_ABI_VERSION on any change.

export const RNN_ABI_VERSION = 2;

// ===== Shape record (RS_LEN f64): the sizes of the network whose weights follow =====
export const RS_CELL = 0; // RNN_GRU or RNN_LSTM
export const RS_LAYER_FEATURES = 1; // F: features per layer token, the presence flag last
export const RS_HARDWARE_FEATURES = 2; // H: hardware features per candidate
export const RS_TOKEN_SIZE = 3;
export const RS_HARDWARE_SIZE = 4;
export const RS_HIDDEN_SIZE = 5;
export const RS_MLP_SIZE = 6;
export const RS_COST_CHANNELS = 7;
export const RS_HEADS = 8;
export const RS_WEIGHT_COUNT = 9; // f32 values in the weight block; must equal the sum of the 17 (19) shapes
export const RS_COST_MAX_POOL = 10; // 0: costs pooled by log-sum-exp; 1: [log-sum-exp, max] (since version 2)
export const RS_COST_TOKEN_INPUT = 11; // 0: cost channels read h'_t; 1: [h'_t, token_t] (since version 2)
export const RS_COST_HIDDEN_SIZE = 12; // width of the relu layer before the cost channels, 0: none (since version 2)
export const RS_LEN = 13;

export const RNN_GRU = 0;
export const RNN_LSTM = 1;

// ===== Error record (RE_LEN f64), written by gibbon_rnn_error for the last gibbon_rnn_forward =====
export const RE_STATUS = 0;
export const RE_FIELD = 1; // RS_* slot of the offending shape field, or an RA_* argument (-1 = none)
export const RE_VALUE = 2; // the offending value
export const RE_CANDIDATE = 3; // the candidate of RN_EMPTY_SEQUENCE (-1 = none)
export const RE_LEN = 4;

// Arguments of gibbon_rnn_forward, as RE_FIELD values when one is wrong (negative: not shape slots)
export const RA_SHAPE_PTR = -2;
export const RA_WEIGHTS_PTR = -3;
export const RA_TOKENS_PTR = -4;
export const RA_HARDWARE_PTR = -5;
export const RA_OUT_PTR = -6;
export const RA_BATCH = -7;
export const RA_STEPS = -8;

// ===== Status codes =====
export const RN_OK = 0;
export const RN_SHAPE_FIELD = 1; // a shape field out of range (RE_FIELD = its RS_* slot)
export const RN_BAD_CALL = 8; // a null pointer or a count out of range (RE_FIELD = its RA_* argument)
export const RN_EMPTY_SEQUENCE = 30; // a candidate with no present layer (RE_CANDIDATE = its index)

/** Upper bound of every width (token, hardware, hidden, MLP sizes, feature counts, cost channels, heads). */
export const RNN_MAX_WIDTH = 65536;
/** Upper bound of batch × steps × layer features (f32 values of the token tensor). */
export const RNN_MAX_TOKEN_VALUES = 268435456;
/** Upper bound of steps × cost channels (the per-layer costs one candidate keeps). */
export const RNN_MAX_COST_VALUES = 16777216;
