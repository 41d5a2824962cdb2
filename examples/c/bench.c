/* examples/c/bench: µs per evaluation through the C host (bench/embed.bench.ts runs it beside Node and
 * Python). bench <net> <arch> <model> <calls> <batch>: `calls` gibbon_host_simulate calls (packing, the
 * kernel and the public JSON, compact), `calls` one-architecture batches with totals only, then one
 * gibbon_host_simulate_batch of `batch` copies of the architecture with totals only;
 * prints {"per_call_us": .., "per_call_totals_us": .., "batched_us": ..}. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gibbon_host.h"

static double now_us(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

int main(int argc, char **argv) {
  if (argc != 6) { fprintf(stderr, "usage: bench <net> <arch> <model> <calls> <batch>\n"); return 2; }
  const char *net = argv[1], *arch = argv[2], *model = argv[3];
  int calls = atoi(argv[4]), batch = atoi(argv[5]);
  char *error = NULL;
  gibbon_host *h = gibbon_host_new(&error);
  if (!h) { fprintf(stderr, "bench: %s\n", error); return 70; }
  char *warm = gibbon_host_simulate(h, net, arch, model, 1, 0, &error);
  if (!warm) { fprintf(stderr, "bench: %s\n", error); return 4; }
  gibbon_host_string_free(warm);
  double t0 = now_us();
  for (int i = 0; i < calls; i++) gibbon_host_string_free(gibbon_host_simulate(h, net, arch, model, 1, 0, &error));
  double per_call = (now_us() - t0) / calls;
  char one[512];
  snprintf(one, sizeof one, "[\"%s\"]", arch);
  t0 = now_us();
  for (int i = 0; i < calls; i++) gibbon_host_string_free(gibbon_host_simulate_batch(h, net, one, model, 1, 1, 0, &error));
  double per_call_totals = (now_us() - t0) / calls;
  size_t len = strlen(arch) + 4;
  char *list = malloc((size_t)batch * len + 3);
  char *p = list;
  *p++ = '[';
  for (int i = 0; i < batch; i++) p += sprintf(p, "%s\"%s\"", i ? "," : "", arch);
  *p++ = ']'; *p = 0;
  t0 = now_us();
  char *out = gibbon_host_simulate_batch(h, net, list, model, 1, 1, 0, &error);
  double batched = (now_us() - t0) / batch;
  if (!out) { fprintf(stderr, "bench: %s\n", error); return 4; }
  gibbon_host_string_free(out);
  free(list);
  gibbon_host_free(h);
  printf("{\"per_call_us\": %.3f, \"per_call_totals_us\": %.3f, \"batched_us\": %.3f}\n", per_call, per_call_totals, batched);
  return 0;
}
