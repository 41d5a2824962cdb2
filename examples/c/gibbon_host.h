/* A small C host of gibbon-hw.wasm (the SIMD-free hardware simulator, translated to C by wasm2c): takes a
 * network and an architecture as the CLI does (zoo and preset names, JSON files, or JSON text), packs
 * them through the ABI of docs/abi.md and returns the result as the CLI's public JSON
 * (`gibbon simulate --json`, src/report/hw-json.ts), numbers printed as JavaScript prints them.
 * Used by examples/c/simulate.c and, through ctypes, by the Python package (python/gibbon_sim).
 * Calls must not run concurrently, not even on different hosts: the wasm2c 1.0.32 runtime keeps its trap
 * target and call-stack depth in process globals. Several hosts in one process are fine if their calls
 * take turns; for parallelism use processes. */
#ifndef GIBBON_HOST_H
#define GIBBON_HOST_H

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gibbon_host gibbon_host;

/* A new instance of the module; NULL if the ABI version differs (then *error says why). */
gibbon_host *gibbon_host_new(char **error);
void gibbon_host_free(gibbon_host *h);

/* How messages name the network, architecture and model arguments ("--net", "--arch", "--model" for the
 * CLI; by default "network", "arch", "model"). The strings must outlive the host. */
void gibbon_host_set_labels(gibbon_host *h, const char *net_label, const char *arch_label, const char *model_label);

/* Evaluates one network on one architecture. `net`: a zoo name, a path ending in .json, or JSON text
 * (first non-blank character '{' or '['); `arch` likewise with a preset name (NULL = mnsim-default);
 * `model`: "gibbon" (NULL) or "mnsim-2.0". Returns the public JSON (malloc'd; `indent` 2 gives exactly
 * `gibbon simulate --json`, 0 compact with 17-digit numbers: the same doubles, fewer cycles), or NULL with *error set (malloc'd, the message Node gives). */
char *gibbon_host_simulate(gibbon_host *h, const char *net, const char *arch, const char *model, int pipeline,
                           int indent, char **error);

/* Evaluates one network on many architectures in one kernel call (gibbon_simulate_batch, or
 * gibbon_simulate_batch_totals with `totals_only`). `archs`: JSON text of an array whose items are preset
 * names, .json paths or architecture objects. Returns a JSON array of results (with `totals_only`, each
 * without "layers" and "components"); on the first failed job NULL and its message. */
char *gibbon_host_simulate_batch(gibbon_host *h, const char *net, const char *archs, const char *model, int pipeline,
                                 int totals_only, int indent, char **error);

/* Frees a string returned by the functions above. */
void gibbon_host_string_free(char *s);

#ifdef __cplusplus
}
#endif
#endif
