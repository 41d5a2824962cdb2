// The ABI record layouts: offsets (in f64 slots) of every field of the architecture record, the layer
// record and the result record. Plain integer constants only, so that this one file is compiled by asc
// into the kernel and imported by the TypeScript host: one source of truth for both sides.
// Documented for embedders in docs/abi.md. Bump ABI_VERSION on any change.

export const ABI_VERSION = 3;

// ===== Architecture record (ARCH_LEN f64) =====
// Device
export const A_DEVICE_TYPE = 0; // 0 NVM, 1 SRAM
export const A_DEVICE_TECH_NM = 1;
export const A_DEVICE_AREA_UM2 = 2; // per cell
export const A_READ_V_FIRST = 3; // V, first read level
export const A_READ_V_LAST = 4; // V, last read level
export const A_READ_LATENCY_NS = 5;
export const A_R_HRS_OHM = 6; // first resistance level (high-resistance state)
export const A_R_LRS_OHM = 7; // last resistance level (low-resistance state)
export const A_CELL_BITS = 8;
export const A_SRAM_READ_ENERGY_J = 9; // J per bit, SRAM devices only
// Crossbar
export const A_XBAR_ROWS = 10;
export const A_XBAR_COLS = 11;
export const A_SUBARRAY_ROWS = 12;
export const A_CELL_TYPE = 13; // 0 1T1R, 1 0T1R
export const A_TRANSISTOR_TECH_NM = 14;
export const A_AREA_CALCULATION = 15; // 0 device area, 1 from technology
// Converters (choice -1 = user defined by the four values after it)
export const A_DAC_CHOICE = 16;
export const A_DAC_AREA_UM2 = 17;
export const A_DAC_BITS = 18;
export const A_DAC_POWER_W = 19;
export const A_DAC_RATE_GSPS = 20;
export const A_ADC_CHOICE = 21;
export const A_ADC_AREA_UM2 = 22;
export const A_ADC_BITS = 23;
export const A_ADC_POWER_W = 24;
export const A_ADC_RATE_GSPS = 25;
export const A_LOGIC_OP = 26; // -1 none, 0 AND, 1 OR, 2 XOR
// Processing element
export const A_PIM_TYPE = 27; // 0 analog, 1 digital
export const A_POLARITY = 28; // 1 or 2 crossbars per weight slice
export const A_SUB_POSITION = 29; // 0 analog subtraction, 1 digital
export const A_PE_GROUPS = 30; // crossbar groups per PE (MNSIM Group_Num)
export const A_DAC_NUM = 31; // DACs per sub-array per group
export const A_ADC_NUM = 32; // ADCs per sub-array per group
export const A_PE_INBUF_KB = 33; // 0 = sized from the mapping
export const A_PE_INBUF_AREA_UM2 = 34; // 0 = from the SRAM table
export const A_TILE_OUTBUF_KB = 35;
export const A_TILE_OUTBUF_AREA_UM2 = 36;
// Digital modules (area/power 0 = from the technology tables)
export const A_DIGITAL_FREQ_MHZ = 37;
export const A_ADDER_TECH_NM = 38;
export const A_ADDER_AREA_UM2 = 39;
export const A_ADDER_POWER_W = 40;
export const A_SHIFTREG_TECH_NM = 41;
export const A_SHIFTREG_AREA_UM2 = 42;
export const A_SHIFTREG_POWER_W = 43;
export const A_REG_TECH_NM = 44;
export const A_REG_AREA_UM2 = 45;
export const A_REG_POWER_W = 46;
export const A_JM_TECH_NM = 47;
export const A_JM_AREA_UM2 = 48;
export const A_JM_POWER_W = 49;
// Tile
export const A_PE_ROWS = 50;
export const A_PE_COLS = 51;
export const A_POOL_WINDOW_X = 52;
export const A_POOL_WINDOW_Y = 53;
export const A_POOL_UNITS = 54;
export const A_POOL_TECH_NM = 55;
export const A_INTER_TILE_BW_GBPS = 56; // bit/ns
export const A_INTRA_TILE_BW_GBPS = 57; // bit/ns
// Chip
export const A_BUFFER_TECH_NM = 58;
export const A_BUFFER_BITWIDTH = 59;
export const A_TILE_CONNECTION = 60; // 0 row-major, 1 snake, 2 growing square, 3 zig-zag
export const A_TILE_ROWS = 61;
export const A_TILE_COLS = 62;
// Simulation options
export const A_SIM_LEVEL = 63; // 0 behavior, 1 estimation
export const A_PIPELINE = 64; // 1 inter-layer pipeline, 0 layer by layer
export const A_MODEL_SWITCHES = 65; // bitmask of SW_* corrections (0 = MNSIM-2.0 exactly)
export const ARCH_LEN = 66;

// Model corrections (the `gibbon` model turns all on; `mnsim-2.0` none). docs/model.md.
export const SW_CELL_BITS = 1; // cell bits reduce weight slices: ceil((w-1)/cellBits)
export const SW_SIGNED_INPUT_CYCLES = 2; // input cycles ceil((a-1)/dacBits), the sign is not a cycle
export const SW_COUNT_ADDERS = 4; // adder energy and the global accumulator are counted in totals
export const SW_GROUPED_CONV = 8; // grouped convs placed block-diagonally instead of dense
export const SW_CONVERTERS_FOLLOW_XBAR = 16; // DAC/ADC counts capped by the crossbar's rows/columns
export const SW_POOL_SINGLE_READ = 32; // the pooling output-buffer read is counted once
export const SW_DAC8_POWER_MW = 64; // DAC choice 6 power 0.4992 mW, not W
export const SW_ADC_EVERY_COLUMN = 128; // every used column is converted: c conversions per analog step set, not ceil(c/mux)·ceil(c/adcNum)
export const SW_ALL = 255;

// ===== Layer record (LAYER_LEN f64) =====
export const L_TYPE = 0; // LT_*
export const L_IN_CHANNELS = 1; // fc: in features
export const L_IN_H = 2;
export const L_IN_W = 3;
export const L_OUT_CHANNELS = 4; // fc: out features
export const L_OUT_H = 5;
export const L_OUT_W = 6;
export const L_KERNEL = 7; // square kernel side
export const L_STRIDE = 8;
export const L_PAD_TOP = 9;
export const L_PAD_LEFT = 10;
export const L_PAD_BOTTOM = 11;
export const L_PAD_RIGHT = 12;
export const L_CONV_GROUPS = 13;
export const L_POOL_MODE = 14; // 0 max, 1 avg
export const L_WEIGHT_BITS = 15;
export const L_INPUT_BITS = 16; // bits of the tensor this layer reads (its DAC input)
export const L_OUTPUT_BITS = 17; // bits of the tensor this layer writes
export const L_N_INPUTS = 18; // 1..MAX_INPUTS
export const L_INPUT0 = 19; // absolute producer indices; -1 = the network input
export const MAX_INPUTS = 4;
export const LAYER_LEN = 23;

export const LT_CONV = 0;
export const LT_FC = 1;
export const LT_POOL = 2;
export const LT_ADD = 3;

// ===== Result record =====
// Header
export const R_STATUS = 0; // 0 ok, else an E_* code (assembly/errors.ts)
export const R_ERR_LAYER = 1; // layer index of the error, -1 = architecture
export const R_ERR_FIELD = 2; // A_* or L_* offset of the offending field, -1 = none
export const R_ERR_VALUE = 3; // the offending value (or the count that overflowed)
export const R_N_LAYERS = 4;
export const R_ERR_MIN = 5; // the allowed range of the offending field (NaN = a rule, not a range)
export const R_ERR_MAX = 6;
export const R_ERR_INTEGER = 7; // 1 if the field must be an integer
export const RESULT_HEADER_LEN = 8;

// The most layers one call simulates (a longer network is refused with E_BAD_CALL; the host checks it first).
export const MAX_LAYERS = 65536;

// Components, for the per-component area/power/energy blocks
export const C_XBAR = 0;
export const C_DAC = 1;
export const C_ADC = 2;
export const C_BUFFER = 3;
export const C_POOLING = 4;
export const C_ADDER = 5;
export const C_SHIFTREG = 6;
export const C_REG = 7;
export const C_MUX = 8; // input demux + output mux
export const C_JOINT_MODULE = 9;
export const C_GLOBAL = 10; // global accumulator (element-wise adds): adders + global buffer
export const N_COMPONENTS = 11;

// Totals (at RESULT_HEADER_LEN)
export const T_TILES = 0;
export const T_PES = 1; // PEs mapped (MNSIM's "total crossbar number")
export const T_XBARS = 2; // physical crossbars allocated (tiles x PEs/tile x groups x polarity)
export const T_AREA_UM2 = 3;
export const T_POWER_W = 4; // sum of per-layer powers (MNSIM)
export const T_LATENCY_NS = 5;
export const T_ENERGY_NJ = 6;
export const T_OPS = 7; // 2 x MACs
export const T_UTILIZATION = 8; // used cells / allocated cells over conv+fc layers
export const T_GLOBAL_BUF_KB = 9;
export const T_GLOBAL_ADDERS = 10;
export const T_PE_INBUF_KB = 11;
export const T_TILE_OUTBUF_KB = 12;
export const T_AREA_COMP = 16; // N_COMPONENTS values
export const T_POWER_COMP = T_AREA_COMP + N_COMPONENTS;
export const T_ENERGY_COMP = T_POWER_COMP + N_COMPONENTS;
export const TOTALS_LEN = T_ENERGY_COMP + N_COMPONENTS;

// A summary (gibbon_simulate_batch_totals): the header and the totals of one job, back to back.
export const SUMMARY_LEN = RESULT_HEADER_LEN + TOTALS_LEN;

// Per layer (RESULT_HEADER_LEN + TOTALS_LEN + i * LAYER_OUT_LEN)
export const O_TILES = 0;
export const O_PES = 1;
export const O_XBARS = 2;
export const O_AREA_UM2 = 3;
export const O_POWER_W = 4;
export const O_ENERGY_NJ = 5;
export const O_BEGIN_NS = 6; // first pixel begins
export const O_FIRST_DONE_NS = 7; // first output pixel done
export const O_LAST_DONE_NS = 8; // last output pixel done
export const O_PIXEL_NS = 9; // latency of a steady-state output pixel
export const O_PIXELS = 10; // output pixels
export const O_UTILIZATION = 11;
export const O_OPS = 12;
export const O_ROW_TILES = 13; // crossbar row blocks (my)
export const O_COL_TILES = 14; // PE column blocks incl. weight-slice groups (mx)
export const O_WEIGHT_SLICES = 15;
export const O_INPUT_CYCLES = 16;
export const O_ROWS_USED = 17; // max_row
export const O_COLS_USED = 18; // max_column
export const O_HOPS_IN = 19; // inLayer
export const O_HOPS_OUT = 20; // transLayer
export const O_FIRST_TILE = 21; // startid
export const O_AREA_COMP = 24;
export const O_POWER_COMP = O_AREA_COMP + N_COMPONENTS;
export const O_ENERGY_COMP = O_POWER_COMP + N_COMPONENTS;
export const LAYER_OUT_LEN = O_ENERGY_COMP + N_COMPONENTS;

// ===== Batch job record (BATCH_JOB_LEN f64) =====
export const J_ARCH_PTR = 0; // byte address of an ARCH record
export const J_LAYERS_PTR = 1; // byte address of nLayers LAYER records
export const J_N_LAYERS = 2;
export const J_OUT_PTR = 3; // byte address of the result (resultLen(nLayers) f64)
export const BATCH_JOB_LEN = 4;

// ===== Layer plan record (gibbon_plan: resultHeader + PLAN_TOTALS_LEN + nLayers * LAYER_PLAN_LEN f64) =====
// The mapping, placement and steady pixel latency of every layer, without buffers, schedule or energy.
// The header is a result record's (R_*). Totals at RESULT_HEADER_LEN:
export const PT_TILES = 0; // tiles of all layers
export const PT_FITS = 1; // 1 if they fit the chip's tiles (a simulation would run), else 0
export const PLAN_TOTALS_LEN = 2;
// Per layer (RESULT_HEADER_LEN + PLAN_TOTALS_LEN + i * LAYER_PLAN_LEN)
export const LP_TILES = 0;
export const LP_PES = 1;
export const LP_FIRST_TILE = 2; // order number of the layer's first tile; tiles past the chip sit at its last cell
export const LP_HOPS_IN = 3;
export const LP_HOPS_OUT = 4;
export const LP_ROWS_USED = 5;
export const LP_COLS_USED = 6;
export const LP_ROW_TILES = 7;
export const LP_COL_TILES = 8;
export const LP_WEIGHT_SLICES = 9;
export const LP_INPUT_CYCLES = 10;
export const LP_PIXEL_NS = 11; // latency of a steady-state output pixel (the result's O_PIXEL_NS)
export const LP_NOC_NS = 12; // NoC time per output pixel: transfer to the successors (+ conv, fc: the PE merge over hopsIn)
export const LAYER_PLAN_LEN = 13;

// ===== Resolved PE record (gibbon_pe: RESULT_HEADER_LEN + PE_LEN f64) =====
// The converters and conversion steps a PE of the architecture works with, after the digital-PIM rule
// and the model switches. At RESULT_HEADER_LEN:
export const PE_DAC_CHOICE = 0; // the table DAC used (1..7), or -1 (user-defined)
export const PE_DAC_BITS = 1;
export const PE_ADC_CHOICE = 2; // the table ADC used (1..9), or -1 (user-defined)
export const PE_ADC_BITS = 3;
export const PE_DAC_PER_GROUP = 4; // DACs per crossbar group: the rows one analog step drives
export const PE_ADC_NUM = 5; // ADCs per sub-array per group: the columns one analog step converts
export const PE_DAC_LATENCY_NS = 6;
export const PE_ADC_LATENCY_NS = 7;
export const PE_LEN = 8;
