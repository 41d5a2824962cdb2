// Status codes returned by every ABI entry point (and written to R_STATUS). The host turns them into
// messages (src/hw/abi.ts): the kernel never traps on bad input, it reports the field and the value.
export const E_OK = 0;
export const E_ARCH_FIELD = 1; // an architecture field is out of its range (R_ERR_FIELD = A_* offset)
export const E_LAYER_FIELD = 2; // a layer field is out of its range (R_ERR_FIELD = L_* offset)
export const E_KERNEL_TOO_LARGE = 3; // K*K rows do not fit in one crossbar
export const E_TOO_MANY_TILES = 4; // the mapping needs more tiles than the chip has (R_ERR_VALUE = tiles)
export const E_NO_BUFFER_MACRO = 5; // the SRAM tables have no buffer of that size and bus width
export const E_SHAPE = 6; // a layer's input shape differs from its producer's output
export const E_INPUT_INDEX = 7; // a producer index that is not an earlier layer
export const E_BAD_CALL = 8; // bad pointer, count or length passed to an entry point
