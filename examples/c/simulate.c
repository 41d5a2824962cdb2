/* examples/c/simulate: `gibbon simulate --json` in C, through gibbon-hw.wasm translated by wasm2c.
 *   simulate --net <zoo name|file.json> [--arch <preset|file.json>] [--model gibbon|mnsim-2.0] [--no-pipeline]
 * prints the same JSON as `npx gibbon simulate --json` (the same bytes: numbers are printed as JavaScript
 * prints them); bad input prints `gibbon: <the message Node prints>` on stderr and exits 2 (a bad option)
 * or 4 (a bad network or architecture), as the CLI does. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gibbon_host.h"

static const char USAGE[] =
  "usage: simulate --net <zoo name|file.json> [--arch <preset|file.json>] [--model gibbon|mnsim-2.0] [--no-pipeline]\n"
  "prints the result as `gibbon simulate --json` does (docs/embedding.md)\n";

int main(int argc, char **argv) {
  const char *net = NULL, *arch = NULL, *model = NULL;
  int pipeline = 1;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char **dst = strcmp(a, "--net") == 0 ? &net : strcmp(a, "--arch") == 0 ? &arch : strcmp(a, "--model") == 0 ? &model : NULL;
    if (dst && i + 1 < argc) { *dst = argv[++i]; continue; }
    if (strcmp(a, "--no-pipeline") == 0) { pipeline = 0; continue; }
    if (strcmp(a, "--json") == 0) continue; /* the only output there is */
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) { fputs(USAGE, stdout); return 0; }
    fprintf(stderr, "gibbon: %s: %s\n%s", a, dst ? "missing its value" : "unknown option", USAGE);
    return 2;
  }
  char *error = NULL;
  gibbon_host *h = gibbon_host_new(&error);
  if (!h) { fprintf(stderr, "gibbon: %s\n", error); free(error); return 70; }
  gibbon_host_set_labels(h, "--net", "--arch", "--model");
  char *out = gibbon_host_simulate(h, net, arch, model, pipeline, 2, &error);
  gibbon_host_free(h);
  if (!out) {
    fprintf(stderr, "gibbon: %s\n", error);
    /* The CLI's exit codes (src/cli/main.ts): options 2, files 3, inputs 4, kernel bugs 70. */
    int code = strncmp(error, "--", 2) == 0 ? 2 : strstr(error, "trapped") ? 70 : strstr(error, "cannot read") || strstr(error, "not valid JSON") ? 3 : 4;
    gibbon_host_string_free(error);
    return code;
  }
  puts(out);
  gibbon_host_string_free(out);
  return 0;
}
