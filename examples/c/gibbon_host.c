/* The C host of gibbon-hw.wasm: see gibbon_host.h. Sections: numbers and JSON text as JavaScript writes
 * them; the module instance; the inputs (zoo/preset tables generated from the TypeScript definitions in
 * gibbon_tables.h, or JSON through libcjson) packed into ABI records; the kernel status messages; the
 * public JSON of a result (a port of src/report/hw-json.ts). */
#include "gibbon_host.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gibbon_hw.h"
#include "gibbon_tables.h"
#include "wasm-rt-impl.h"

/* ===== Text: a growable buffer, numbers as JavaScript prints them ===== */

typedef struct { char *s; size_t len, cap; } text_t;

static void text_put(text_t *t, const char *s, size_t n) {
  if (t->len + n + 1 > t->cap) {
    size_t cap = t->cap ? t->cap : 256;
    while (cap < t->len + n + 1) cap *= 2;
    char *p = realloc(t->s, cap);
    if (!p) abort();
    t->s = p; t->cap = cap;
  }
  memcpy(t->s + t->len, s, n);
  t->len += n;
  t->s[t->len] = 0;
}
static void text_puts(text_t *t, const char *s) { text_put(t, s, strlen(s)); }
static void text_printf(text_t *t, const char *fmt, ...) {
  char buf[512];
  va_list ap; va_start(ap, fmt);
  int n = vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  if (n >= (int)sizeof buf) n = sizeof buf - 1;
  text_put(t, buf, (size_t)n);
}

/* Number.prototype.toString (ECMA-262 Number::toString, radix 10): the shortest digits that read back as
 * `v`, in fixed notation for exponents -7 < e < 21, else d.ddde+n. JSON.stringify prints finite numbers
 * the same way, so equal text means equal doubles. */
static void js_number(text_t *t, double v) {
  if (isnan(v)) { text_puts(t, "NaN"); return; }
  if (isinf(v)) { text_puts(t, v > 0 ? "Infinity" : "-Infinity"); return; }
  if (v == 0) { text_puts(t, "0"); return; }
  char e[40], digits[24];
  if (v == floor(v) && fabs(v) < 9007199254740992.0) { /* integers below 2^53: their digits, as %.0f prints them */
    snprintf(e, sizeof e, "%.0f", v);
    if (fabs(v) < 1e21) { text_puts(t, e); return; }
  }
  /* The fewest significant digits p whose correctly rounded decimal reads back as v; reading back is
   * monotone in p (more digits are never farther), so a binary search over 1..17. */
  int lo = 1, hi = 17;
  while (lo < hi) {
    int mid = (lo + hi) / 2;
    snprintf(e, sizeof e, "%.*e", mid - 1, v);
    if (strtod(e, NULL) == v) hi = mid; else lo = mid + 1;
  }
  snprintf(e, sizeof e, "%.*e", lo - 1, v);
  /* e = [-]d[.ddd]e[+-]xx */
  const char *q = e;
  if (*q == '-') { text_puts(t, "-"); q++; }
  int k = 0;
  for (; *q && *q != 'e'; q++) if (*q != '.') digits[k++] = *q;
  while (k > 1 && digits[k - 1] == '0') k--; /* %.*e may pad with zeros */
  digits[k] = 0;
  int n = atoi(q + 1) + 1; /* value = 0.digits x 10^n */
  if (k <= n && n <= 21) {
    text_put(t, digits, (size_t)k);
    for (int i = k; i < n; i++) text_puts(t, "0");
  } else if (0 < n && n <= 21) {
    text_put(t, digits, (size_t)n); text_puts(t, "."); text_put(t, digits + n, (size_t)(k - n));
  } else if (-6 < n && n <= 0) {
    text_puts(t, "0.");
    for (int i = 0; i < -n; i++) text_puts(t, "0");
    text_put(t, digits, (size_t)k);
  } else {
    text_put(t, digits, 1);
    if (k > 1) { text_puts(t, "."); text_put(t, digits + 1, (size_t)(k - 1)); }
    text_printf(t, "e%c%d", n - 1 >= 0 ? '+' : '-', abs(n - 1));
  }
}

/* ===== A JSON writer with JSON.stringify(value, null, indent)'s layout ===== */

typedef struct { text_t out; int indent, depth, count[32]; } json_t;

static void json_newline(json_t *j, int depth) {
  if (!j->indent) return;
  text_puts(&j->out, "\n");
  for (int i = 0; i < depth * j->indent; i++) text_puts(&j->out, " ");
}
static void json_item(json_t *j) { /* before a value in an array, or a key in an object */
  if (j->depth == 0) return;
  if (j->count[j->depth]++ > 0) text_puts(&j->out, ",");
  json_newline(j, j->depth);
}
static void json_string_raw(text_t *t, const char *s) {
  text_puts(t, "\"");
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    switch (*p) {
      case '"': text_puts(t, "\\\""); break;
      case '\\': text_puts(t, "\\\\"); break;
      case '\b': text_puts(t, "\\b"); break;
      case '\f': text_puts(t, "\\f"); break;
      case '\n': text_puts(t, "\\n"); break;
      case '\r': text_puts(t, "\\r"); break;
      case '\t': text_puts(t, "\\t"); break;
      default:
        if (*p < 0x20) text_printf(t, "\\u%04x", *p);
        else text_put(t, (const char *)p, 1);
    }
  }
  text_puts(t, "\"");
}
static void json_key(json_t *j, const char *key) {
  json_item(j);
  json_string_raw(&j->out, key);
  text_puts(&j->out, j->indent ? ": " : ":");
  j->count[j->depth + 1] = -1; /* the value follows the key: no separator */
}
static void json_value_start(json_t *j) {
  if (j->depth > 0 && j->count[j->depth + 1] == -1) { j->count[j->depth + 1] = 0; return; }
  json_item(j);
}
static void json_open(json_t *j, const char *bracket) {
  json_value_start(j);
  text_puts(&j->out, bracket);
  j->depth++;
  j->count[j->depth] = 0;
}
static void json_close(json_t *j, const char *bracket) {
  int had = j->count[j->depth] > 0;
  j->depth--;
  if (had) json_newline(j, j->depth);
  text_puts(&j->out, bracket);
}
static void json_number(json_t *j, double v) {
  json_value_start(j);
  if (!isfinite(v)) { text_puts(&j->out, "null"); return; }
  if (j->indent) { js_number(&j->out, v); return; }
  /* Compact output is for programs (the Python package): 17 significant digits read back exactly and
   * cost one snprintf, where JavaScript's shortest digits cost a search (most of a VGG8 call's time). */
  if (v == floor(v) && fabs(v) < 9007199254740992.0) text_printf(&j->out, "%.0f", v);
  else text_printf(&j->out, "%.17g", v);
}
static void json_string(json_t *j, const char *s) { json_value_start(j); json_string_raw(&j->out, s); }
static void json_bool(json_t *j, int b) { json_value_start(j); text_puts(&j->out, b ? "true" : "false"); }
static void json_kv_number(json_t *j, const char *key, double v) { json_key(j, key); json_number(j, v); }

/* ===== Errors ===== */

static char *message(const char *fmt, ...) {
  va_list ap; va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  char *s = malloc((size_t)n + 1);
  if (!s) abort();
  va_start(ap, fmt); vsnprintf(s, (size_t)n + 1, fmt, ap); va_end(ap);
  return s;
}
static char *take(text_t *t) { return t->s ? t->s : message("%s", ""); }
/* A JSON value as the messages quote it (strings with quotes, as JSON.stringify does). */
static char *quoted(const cJSON *v) {
  if (!v) return message("nothing");
  if (cJSON_IsNumber(v)) { text_t t = {0}; js_number(&t, v->valuedouble); return take(&t); }
  return cJSON_PrintUnformatted(v);
}

/* ===== The module instance ===== */

struct Z_env_instance_t { unsigned line, col; };

void Z_envZ_abort(struct Z_env_instance_t *env, u32 msg, u32 file, u32 line, u32 col) {
  (void)msg; (void)file;
  env->line = line; env->col = col;
  wasm_rt_trap(WASM_RT_TRAP_UNREACHABLE);
}

struct gibbon_host {
  Z_gibbon_hw_instance_t instance;
  struct Z_env_instance_t env;
  const char *net_label, *arch_label, *model_label;
  /* Each preset's packed record (pipeline and switches aside), packed on first use. */
  double preset_records[GIBBON_N_PRESETS][ARCH_LEN];
  int preset_packed[GIBBON_N_PRESETS];
};

static int runtime_ready = 0;

gibbon_host *gibbon_host_new(char **error) {
  if (!runtime_ready) { wasm_rt_init(); Z_gibbon_hw_init_module(); runtime_ready = 1; }
  gibbon_host *h = calloc(1, sizeof *h);
  if (!h) abort();
  h->net_label = "network"; h->arch_label = "arch"; h->model_label = "model";
  Z_gibbon_hw_instantiate(&h->instance, &h->env);
  u32 v = Z_gibbon_hwZ_gibbon_abi_version(&h->instance);
  if (v != ABI_VERSION || Z_gibbon_hwZ_gibbon_arch_len(&h->instance) != ARCH_LEN || Z_gibbon_hwZ_gibbon_layer_len(&h->instance) != LAYER_LEN) {
    if (error) *error = message("gibbon-hw.wasm: ABI version %u; this host speaks %d: rebuild with npm run build and make -C examples/c", v, ABI_VERSION);
    gibbon_host_free(h);
    return NULL;
  }
  return h;
}

void gibbon_host_free(gibbon_host *h) {
  if (!h) return;
  Z_gibbon_hw_free(&h->instance);
  free(h);
}

void gibbon_host_set_labels(gibbon_host *h, const char *net_label, const char *arch_label, const char *model_label) {
  h->net_label = net_label; h->arch_label = arch_label; h->model_label = model_label;
}

void gibbon_host_string_free(char *s) { free(s); }

/* The linear memory as f64 slots; re-read after every call that may grow it (docs/abi.md §2). */
static double *slots(gibbon_host *h, u32 byte_addr) { return (double *)(h->instance.w2c_memory.data + byte_addr); }

/* ===== Inputs ===== */

typedef enum { SPEC_NAME, SPEC_FILE, SPEC_TEXT } spec_kind_t;

static spec_kind_t spec_kind(const char *spec) {
  const char *p = spec;
  while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') p++;
  if (*p == '{' || *p == '[') return SPEC_TEXT;
  size_t n = strlen(spec);
  return n >= 5 && strcmp(spec + n - 5, ".json") == 0 ? SPEC_FILE : SPEC_NAME;
}

static const char *base_name(const char *path) {
  const char *s = strrchr(path, '/');
  return s ? s + 1 : path;
}

/* Parses JSON text, or reads and parses a file (messages as src/cli/io.ts readJsonFile). */
static cJSON *parse_json(const char *spec, spec_kind_t kind, const char *what, char **error) {
  char *text = NULL;
  if (kind == SPEC_FILE) {
    FILE *f = fopen(spec, "rb");
    if (!f) { *error = message("%s: cannot read the %s file (%s)", spec, what, errno == ENOENT ? "ENOENT" : strerror(errno)); return NULL; }
    text_t t = {0};
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) text_put(&t, buf, n);
    fclose(f);
    text = take(&t);
  }
  cJSON *j = cJSON_Parse(text ? text : spec);
  if (!j) *error = message("%s: not valid JSON (libcjson stopped at: %.24s)", kind == SPEC_FILE ? spec : what,
                           cJSON_GetErrorPtr() ? cJSON_GetErrorPtr() : "");
  free(text);
  return j;
}

/* A network ready to pack: layer records with each layer's name and type. */
typedef struct {
  char name[256];
  char source[300];
  int n_layers;
  double *records; /* n_layers * LAYER_LEN */
  char **layer_names;
  const char **layer_types;
  int owned;
} network_t;

static void network_free(network_t *n) {
  if (n->owned) {
    for (int i = 0; i < n->n_layers; i++) free(n->layer_names[i]);
    free(n->records); free(n->layer_names); free((void *)n->layer_types);
  }
  memset(n, 0, sizeof *n);
}

static const char *const LAYER_TYPE_NAMES[] = {"conv", "fc", "pool", "add"}; /* LT_CONV..LT_ADD */

/* A number field, NaN when absent or not a number (the kernel then names the field); `fallback` when absent. */
static double num(const cJSON *o, const char *key, double fallback) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
  if (!v) return fallback;
  return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}
static double item_num(const cJSON *a, int k) {
  const cJSON *v = cJSON_GetArrayItem(a, k);
  return v && cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

/* A faithful port of the packing half of resolveNetwork (src/hw/network.ts): defaults, absolute producers,
 * derived output shapes and default output bits. Validation is the kernel's (docs/abi.md §11). */
static int pack_network_json(const cJSON *root, const char *source, network_t *net, char **error) {
  const cJSON *layers = root;
  snprintf(net->source, sizeof net->source, "%s", source);
  const char *stem = base_name(source);
  size_t sl = strlen(stem);
  snprintf(net->name, sizeof net->name, "%.*s", (int)(sl >= 5 && strcmp(stem + sl - 5, ".json") == 0 ? sl - 5 : sl), stem);
  if (cJSON_IsObject(root)) {
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(root, "name");
    if (cJSON_IsString(name) && name->valuestring[0]) snprintf(net->name, sizeof net->name, "%s", name->valuestring);
    layers = cJSON_GetObjectItemCaseSensitive(root, "layers");
  }
  int n = cJSON_IsArray(layers) ? cJSON_GetArraySize(layers) : 0;
  if (n == 0) {
    char *got = quoted(layers);
    *error = message("%s: layers: got %s; allowed: a list of 1 or more layers", source, got);
    free(got);
    return -1;
  }
  net->owned = 1;
  net->n_layers = n;
  net->records = calloc((size_t)n * LAYER_LEN, sizeof(double));
  net->layer_names = calloc((size_t)n, sizeof(char *));
  net->layer_types = calloc((size_t)n, sizeof(char *));
  int given_out_bits[n > 0 ? n : 1];
  for (int i = 0; i < n; i++) {
    const cJSON *ly = cJSON_GetArrayItem(layers, i);
    double *r = net->records + (size_t)i * LAYER_LEN;
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(ly, "type");
    int t = -1;
    for (int k = 0; k < 4; k++) if (cJSON_IsString(type) && strcmp(type->valuestring, LAYER_TYPE_NAMES[k]) == 0) t = k;
    net->layer_types[i] = t >= 0 ? LAYER_TYPE_NAMES[t] : "?";
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(ly, "name");
    net->layer_names[i] = cJSON_IsString(name) ? message("%s", name->valuestring) : message("%s%d", net->layer_types[i], i);
    /* Producers: relative indices (default [-1]) made absolute. */
    const cJSON *inputs = cJSON_GetObjectItemCaseSensitive(ly, "inputs");
    int n_in = inputs ? (cJSON_IsArray(inputs) ? cJSON_GetArraySize(inputs) : 0) : 1;
    r[L_N_INPUTS] = n_in;
    for (int k = 0; k < MAX_INPUTS; k++) r[L_INPUT0 + k] = k < n_in ? (inputs ? i + item_num(inputs, k) : i - 1) : -1;
    r[L_TYPE] = t >= 0 ? t : NAN;
    r[L_KERNEL] = 1; r[L_STRIDE] = 1; r[L_CONV_GROUPS] = 1; r[L_WEIGHT_BITS] = GIBBON_DEFAULT_BITS;
    if (t == LT_CONV || t == LT_POOL) {
      r[L_IN_CHANNELS] = num(ly, "inChannels", NAN);
      const cJSON *size = cJSON_GetObjectItemCaseSensitive(ly, "inSize");
      r[L_IN_H] = item_num(size, 0); r[L_IN_W] = item_num(size, 1);
      r[L_KERNEL] = num(ly, "kernel", NAN);
      r[L_STRIDE] = num(ly, "stride", t == LT_CONV ? 1 : r[L_KERNEL]);
      const cJSON *pad = cJSON_GetObjectItemCaseSensitive(ly, "padding");
      for (int k = 0; k < 4; k++) r[L_PAD_TOP + k] = !pad ? 0 : cJSON_IsNumber(pad) ? pad->valuedouble : item_num(pad, k);
      /* floor((in + pads - K) / stride) + 1, which the kernel checks again */
      r[L_OUT_H] = floor((r[L_IN_H] + r[L_PAD_TOP] + r[L_PAD_BOTTOM] - r[L_KERNEL]) / r[L_STRIDE]) + 1;
      r[L_OUT_W] = floor((r[L_IN_W] + r[L_PAD_LEFT] + r[L_PAD_RIGHT] - r[L_KERNEL]) / r[L_STRIDE]) + 1;
      if (t == LT_CONV) {
        r[L_OUT_CHANNELS] = num(ly, "outChannels", NAN);
        r[L_CONV_GROUPS] = num(ly, "convGroups", 1);
        r[L_WEIGHT_BITS] = num(ly, "weightBits", GIBBON_DEFAULT_BITS);
      } else {
        r[L_OUT_CHANNELS] = r[L_IN_CHANNELS];
        const cJSON *mode = cJSON_GetObjectItemCaseSensitive(ly, "poolMode");
        r[L_POOL_MODE] = !mode || (cJSON_IsString(mode) && strcmp(mode->valuestring, "max") == 0) ? 0
                       : cJSON_IsString(mode) && strcmp(mode->valuestring, "avg") == 0 ? 1 : NAN;
      }
    } else if (t == LT_FC) {
      r[L_IN_CHANNELS] = num(ly, "inFeatures", NAN); r[L_IN_H] = 1; r[L_IN_W] = 1;
      r[L_OUT_CHANNELS] = num(ly, "outFeatures", NAN); r[L_OUT_H] = 1; r[L_OUT_W] = 1;
      r[L_WEIGHT_BITS] = num(ly, "weightBits", GIBBON_DEFAULT_BITS);
    } else if (t == LT_ADD) {
      /* An add takes its shape from its first producer (the kernel checks the others against it). */
      double p = r[L_INPUT0];
      if (p >= 0 && p < i && p == floor(p)) {
        const double *q = net->records + (size_t)p * LAYER_LEN;
        r[L_IN_CHANNELS] = r[L_OUT_CHANNELS] = q[L_OUT_CHANNELS];
        r[L_IN_H] = r[L_OUT_H] = q[L_OUT_H];
        r[L_IN_W] = r[L_OUT_W] = q[L_OUT_W];
      }
    }
    r[L_INPUT_BITS] = num(ly, "activationBits", GIBBON_DEFAULT_BITS);
    given_out_bits[i] = cJSON_GetObjectItemCaseSensitive(ly, "outputBits") != NULL;
    r[L_OUTPUT_BITS] = num(ly, "outputBits", 0);
  }
  /* Default output bits: what the first consumer reads, else the layer's own activation bits. */
  for (int i = 0; i < n; i++) {
    double *r = net->records + (size_t)i * LAYER_LEN;
    if (given_out_bits[i]) continue;
    r[L_OUTPUT_BITS] = r[L_INPUT_BITS];
    for (int j = i + 1; j < n; j++) {
      const double *c = net->records + (size_t)j * LAYER_LEN;
      int reads = 0;
      for (int k = 0; k < MAX_INPUTS && k < c[L_N_INPUTS]; k++) if (c[L_INPUT0 + k] == i) reads = 1;
      if (reads) { r[L_OUTPUT_BITS] = c[L_INPUT_BITS]; break; }
    }
  }
  return 0;
}

static void list_names(text_t *t, int n, const char *(*name)(int)) {
  for (int i = 0; i < n; i++) { if (i) text_puts(t, ", "); text_puts(t, name(i)); }
}
static const char *zoo_name(int i) { return GIBBON_ZOO[i].name; }
static const char *preset_name(int i) { return GIBBON_PRESETS[i].name; }
static const char *model_name(int i) { return GIBBON_MODELS[i].name; }

/* A zoo name (the generated, TypeScript-resolved records), a network file or network JSON text. */
static int load_network(gibbon_host *h, const char *spec, network_t *net, char **error) {
  memset(net, 0, sizeof *net);
  spec_kind_t kind = spec ? spec_kind(spec) : SPEC_NAME;
  if (kind == SPEC_NAME) {
    for (int i = 0; spec && i < GIBBON_N_ZOO; i++) {
      if (strcmp(spec, GIBBON_ZOO[i].name) != 0) continue;
      snprintf(net->name, sizeof net->name, "%s", spec);
      snprintf(net->source, sizeof net->source, "network %s", spec);
      net->n_layers = GIBBON_ZOO[i].n_layers;
      net->records = (double *)GIBBON_ZOO[i].records;
      net->layer_names = (char **)GIBBON_ZOO[i].layer_names;
      net->layer_types = (const char **)GIBBON_ZOO[i].layer_types;
      return 0;
    }
    text_t t = {0};
    if (spec) text_printf(&t, "%s: got \"%s\"; allowed: ", h->net_label, spec);
    else text_printf(&t, "%s: missing; allowed: ", h->net_label);
    list_names(&t, GIBBON_N_ZOO, zoo_name);
    text_puts(&t, " or a network .json file");
    *error = take(&t);
    return -1;
  }
  cJSON *root = parse_json(spec, kind, "network", error);
  if (!root) return -1;
  int rc = pack_network_json(root, kind == SPEC_FILE ? base_name(spec) : "network", net, error);
  cJSON_Delete(root);
  return rc;
}

/* ----- Architectures: the preset JSON (generated), the file merged over it, then packed ----- */

static const cJSON *at_path(const cJSON *root, const char *path) {
  char key[128];
  const cJSON *node = root;
  while (node && *path) {
    const char *dot = strchr(path, '.');
    size_t n = dot ? (size_t)(dot - path) : strlen(path);
    snprintf(key, sizeof key, "%.*s", (int)n, path);
    node = cJSON_GetObjectItemCaseSensitive(node, key);
    path += n + (dot ? 1 : 0);
  }
  return node;
}

static int bits_to_choice(const int (*table)[2], int n, const cJSON *bits) {
  for (int i = 0; i < n; i++) if (cJSON_IsNumber(bits) && bits->valuedouble == table[i][0]) return table[i][1];
  return 0;
}

/* Merges `input` over `target` (a section of the preset), as resolveArch's mergeSection: known keys only,
 * sections recursively, leaves replaced; the shorthands xbar.size and dac.bits / adc.bits. */
static int merge_section(cJSON *target, const cJSON *input, const char *path, const char *source, char **error) {
  if (!cJSON_IsObject(input)) {
    char *got = quoted(input);
    *error = message("%s: %s: got %s; allowed: an object", source, path, got);
    free(got);
    return -1;
  }
  int is_conv = strcmp(path, "dac") == 0 || strcmp(path, "adc") == 0, is_xbar = strcmp(path, "xbar") == 0;
  for (const cJSON *item = input->child; item; item = item->next) {
    char sub[256];
    snprintf(sub, sizeof sub, "%s%s%s", path, path[0] ? "." : "", item->string);
    if (path[0] == 0 && strcmp(item->string, "base") == 0) continue;
    if ((is_xbar && strcmp(item->string, "size") == 0) || (is_conv && strcmp(item->string, "bits") == 0)) continue;
    cJSON *old = cJSON_GetObjectItemCaseSensitive(target, item->string);
    if (!old) {
      text_t t = {0};
      text_printf(&t, "%s: %s: got an unknown key; allowed: ", source, sub);
      if (is_xbar) text_puts(&t, "size, ");
      if (is_conv) text_puts(&t, "bits, ");
      for (const cJSON *k = target->child; k; k = k->next) text_printf(&t, "%s%s", k->string, k->next ? ", " : "");
      *error = take(&t);
      return -1;
    }
    if (cJSON_IsObject(old) && !cJSON_IsNull(old)) {
      if (merge_section(old, item, sub, source, error)) return -1;
    } else {
      cJSON_ReplaceItemInObjectCaseSensitive(target, item->string, cJSON_Duplicate(item, 1));
    }
  }
  const cJSON *size = is_xbar ? cJSON_GetObjectItemCaseSensitive(input, "size") : NULL;
  if (size) {
    if (cJSON_GetObjectItemCaseSensitive(input, "rows") || cJSON_GetObjectItemCaseSensitive(input, "cols")) {
      char *got = quoted(size);
      *error = message("%s: xbar.size: got %s; allowed: either xbar.size or xbar.rows/xbar.cols, not both (xbar.size sets rows and cols)", source, got);
      free(got);
      return -1;
    }
    cJSON_ReplaceItemInObjectCaseSensitive(target, "rows", cJSON_Duplicate(size, 1));
    cJSON_ReplaceItemInObjectCaseSensitive(target, "cols", cJSON_Duplicate(size, 1));
    if (!cJSON_GetObjectItemCaseSensitive(input, "subarrayRows")) cJSON_ReplaceItemInObjectCaseSensitive(target, "subarrayRows", cJSON_Duplicate(size, 1));
  }
  const cJSON *bits = is_conv ? cJSON_GetObjectItemCaseSensitive(input, "bits") : NULL;
  if (bits) {
    int dac = path[0] == 'd';
    int choice = dac ? bits_to_choice(GIBBON_DAC_BITS_TO_CHOICE, GIBBON_DAC_BITS_TO_CHOICE_N, bits)
                     : bits_to_choice(GIBBON_ADC_BITS_TO_CHOICE, GIBBON_ADC_BITS_TO_CHOICE_N, bits);
    if (!choice) {
      text_t t = {0};
      char *got = quoted(bits);
      text_printf(&t, "%s: %s.bits: got %s; allowed: one of ", source, path, got);
      free(got);
      int n = dac ? GIBBON_DAC_BITS_TO_CHOICE_N : GIBBON_ADC_BITS_TO_CHOICE_N;
      for (int i = 0; i < n; i++) text_printf(&t, "%s%d", i ? ", " : "", dac ? GIBBON_DAC_BITS_TO_CHOICE[i][0] : GIBBON_ADC_BITS_TO_CHOICE[i][0]);
      text_printf(&t, " (for another converter set %s.choice)", path);
      *error = take(&t);
      return -1;
    }
    cJSON_ReplaceItemInObjectCaseSensitive(target, "choice", cJSON_CreateNumber(choice));
  }
  return 0;
}

typedef struct { char name[256]; char source[300]; double record[ARCH_LEN]; int tile_rows, tile_cols; } arch_t;

/* Packs a resolved architecture (ARCH_FIELDS of src/hw/abi.ts, generated), then the model options. */
static int pack_arch(const cJSON *a, const char *source, int switches, int pipeline, arch_t *out, char **error) {
  for (int i = 0; i < ARCH_LEN; i++) out->record[i] = 0;
  for (int i = 0; i < GIBBON_N_ARCH_FIELDS; i++) {
    const gibbon_arch_field_t *f = &GIBBON_ARCH_FIELDS[i];
    const cJSON *v = at_path(a, f->path);
    double x = NAN;
    if (f->kind == PACK_NUMBER) x = cJSON_IsNumber(v) ? v->valuedouble : NAN;
    else if (f->kind == PACK_FIRST) x = item_num(v, 0);
    else if (f->kind == PACK_LAST) x = item_num(v, cJSON_GetArraySize(v) - 1);
    else if (f->kind == PACK_BOOL) x = cJSON_IsBool(v) ? f->enum_values[cJSON_IsTrue(v) ? 1 : 0] : NAN;
    else {
      for (int k = 0; k < f->n_enum; k++) if (cJSON_IsString(v) && strcmp(v->valuestring, f->enum_names[k]) == 0) x = f->enum_values[k];
      if (isnan(x)) {
        text_t t = {0};
        char *got = quoted(v);
        text_printf(&t, "%s: %s: got %s; allowed: one of ", source, f->path, got);
        free(got);
        for (int k = 0; k < f->n_enum; k++) text_printf(&t, "%s\"%s\"", k ? ", " : "", f->enum_names[k]);
        *error = take(&t);
        return -1;
      }
    }
    out->record[f->slot] = x;
  }
  out->record[A_PIPELINE] = pipeline ? 1 : 0;
  out->record[A_MODEL_SWITCHES] = switches;
  out->tile_rows = (int)out->record[A_TILE_ROWS];
  out->tile_cols = (int)out->record[A_TILE_COLS];
  return 0;
}

/* A preset name, an architecture file or JSON object (text or parsed); `base` picks the preset. */
static int load_arch(gibbon_host *h, const char *spec, const cJSON *parsed, int switches, int pipeline, arch_t *out, char **error) {
  const char *name = spec ? spec : GIBBON_DEFAULT_PRESET;
  spec_kind_t kind = parsed ? SPEC_TEXT : spec_kind(name);
  cJSON *input = NULL;
  if (kind == SPEC_NAME) {
    snprintf(out->name, sizeof out->name, "%s", name);
    snprintf(out->source, sizeof out->source, "arch %s", name);
  } else {
    const char *src = kind == SPEC_FILE ? base_name(name) : "arch";
    snprintf(out->name, sizeof out->name, "%s", src);
    snprintf(out->source, sizeof out->source, "%s", src);
    if (!parsed) { input = parse_json(name, kind, "architecture", error); if (!input) return -1; parsed = input; }
    if (!cJSON_IsObject(parsed)) {
      char *got = quoted(parsed);
      *error = message("%s: (root): got %s; allowed: an object", out->source, got);
      free(got); cJSON_Delete(input);
      return -1;
    }
    const cJSON *base = cJSON_GetObjectItemCaseSensitive(parsed, "base");
    name = base ? (cJSON_IsString(base) ? base->valuestring : "") : GIBBON_DEFAULT_PRESET;
  }
  const gibbon_preset_t *preset = NULL;
  for (int i = 0; i < GIBBON_N_PRESETS; i++) if (strcmp(name, GIBBON_PRESETS[i].name) == 0) preset = &GIBBON_PRESETS[i];
  if (!preset) {
    text_t t = {0};
    if (kind == SPEC_NAME) { text_printf(&t, "%s: got \"%s\"; allowed: ", h->arch_label, name); list_names(&t, GIBBON_N_PRESETS, preset_name); text_puts(&t, " or a .json file"); }
    else {
      char *got = quoted(cJSON_GetObjectItemCaseSensitive(parsed, "base"));
      text_printf(&t, "%s: base: got %s; allowed: one of ", out->source, got);
      free(got);
      for (int i = 0; i < GIBBON_N_PRESETS; i++) text_printf(&t, "%s\"%s\"", i ? ", " : "", GIBBON_PRESETS[i].name);
    }
    *error = take(&t);
    cJSON_Delete(input);
    return -1;
  }
  int p = (int)(preset - GIBBON_PRESETS);
  if (!parsed && h->preset_packed[p]) { /* a preset by name: its record, then this call's options */
    memcpy(out->record, h->preset_records[p], sizeof out->record);
    out->record[A_PIPELINE] = pipeline ? 1 : 0;
    out->record[A_MODEL_SWITCHES] = switches;
    out->tile_rows = (int)out->record[A_TILE_ROWS];
    out->tile_cols = (int)out->record[A_TILE_COLS];
    return 0;
  }
  cJSON *arch = cJSON_Parse(preset->json);
  int rc = parsed ? merge_section(arch, parsed, "", out->source, error) : 0;
  if (rc == 0) rc = pack_arch(arch, out->source, switches, pipeline, out, error);
  if (rc == 0 && !parsed) { memcpy(h->preset_records[p], out->record, sizeof out->record); h->preset_packed[p] = 1; }
  cJSON_Delete(arch);
  cJSON_Delete(input);
  return rc;
}

static int model_switches(gibbon_host *h, const char *model, char **error) {
  if (!model) model = GIBBON_MODELS[0].name;
  for (int i = 0; i < GIBBON_N_MODELS; i++) if (strcmp(model, GIBBON_MODELS[i].name) == 0) return GIBBON_MODELS[i].switches;
  text_t t = {0};
  text_printf(&t, "%s: got \"%s\"; allowed: ", h->model_label, model);
  list_names(&t, GIBBON_N_MODELS, model_name);
  *error = take(&t);
  return -1;
}

/* ===== Kernel status messages: the generated statusError templates (src/hw/abi.ts) filled in ===== */

static char *status_message(const double *header, const network_t *net, const arch_t *arch) {
  int status = (int)header[R_STATUS], field = (int)header[R_ERR_FIELD];
  double value = header[R_ERR_VALUE], lo = header[R_ERR_MIN], hi = header[R_ERR_MAX];
  /* The template's kind, as statusError chooses its text: a range (integer or not) or a rule for a field;
   * for a bad call, whether the count is below 1. */
  char kind = 'r';
  if (status == E_ARCH_FIELD || status == E_LAYER_FIELD) kind = isnan(lo) || isnan(hi) ? 'r' : header[R_ERR_INTEGER] == 1 ? 'i' : 'n';
  if (status == E_BAD_CALL && value < 1) kind = 'z';
  const gibbon_message_t *exact = NULL, *other = NULL, *unknown = NULL;
  for (int i = 0; i < GIBBON_N_MESSAGES; i++) {
    const gibbon_message_t *c = &GIBBON_MESSAGES[i];
    if (c->status == -1) unknown = c;
    if (c->status != status || c->kind != kind) continue;
    if (c->field == field) exact = c;
    if (c->field == -2) other = c;
  }
  const gibbon_message_t *m = exact ? exact : other ? other : unknown;
  text_t t = {0};
  for (const char *p = m->text; *p; p++) {
    if (*p != '\001') { text_put(&t, p, 1); continue; }
    switch (*++p) {
      case 'N': text_puts(&t, net->source); break;
      case 'A': text_puts(&t, arch->source); break;
      case 'V': js_number(&t, value); break;
      case 'm': js_number(&t, lo); break;
      case 'M': js_number(&t, hi); break;
      case 'L': js_number(&t, header[R_ERR_LAYER]); break;
      case 'F': js_number(&t, field); break;
      case 'S': js_number(&t, status); break;
      case 'G': js_number(&t, (double)arch->tile_rows * arch->tile_cols); break;
      case 'R': js_number(&t, arch->tile_rows); break;
      case 'C': js_number(&t, arch->tile_cols); break;
      default: break;
    }
  }
  return take(&t);
}

/* ===== The public JSON (a port of toPublicJson, src/report/hw-json.ts) ===== */

static const char *const COMPONENT_KEYS[N_COMPONENTS] = {
  "xbar", "dac", "adc", "buffer", "pooling", "adder", "shift_reg", "reg", "mux", "joint_module", "global_accumulator"};
static const double UM2_TO_MM2 = 1e-6, NJ_TO_UJ = 1e-3, NS_TO_MS = 1e-6, NS_TO_US = 1e-3;

static void components(json_t *j, const char *key, const double *c, double scale) {
  json_key(j, key); json_open(j, "{");
  for (int k = 0; k < N_COMPONENTS; k++) json_kv_number(j, COMPONENT_KEYS[k], c[k] * scale);
  json_close(j, "}");
}
static void component_blocks(json_t *j, const double *at, int area, int power, int energy) {
  components(j, "area_mm2", at + area, UM2_TO_MM2);
  components(j, "power_W", at + power, 1);
  components(j, "energy_uJ", at + energy, NJ_TO_UJ);
}

static void public_json(json_t *j, const double *r, const network_t *net, const arch_t *arch, const char *model, int pipeline, int totals_only) {
  const double *t = r + RESULT_HEADER_LEN;
  json_open(j, "{");
  json_key(j, "network"); json_string(j, net->name);
  json_key(j, "arch"); json_string(j, arch->name);
  json_key(j, "model"); json_string(j, model);
  json_key(j, "pipeline"); json_bool(j, pipeline);
  json_key(j, "totals"); json_open(j, "{");
  double energy_mj = t[T_ENERGY_NJ] * 1e-6, latency_ms = t[T_LATENCY_NS] * NS_TO_MS;
  json_kv_number(j, "tiles", t[T_TILES]);
  json_kv_number(j, "pes", t[T_PES]);
  json_kv_number(j, "xbars", t[T_XBARS]);
  json_kv_number(j, "area_mm2", t[T_AREA_UM2] * UM2_TO_MM2);
  json_kv_number(j, "power_W", t[T_POWER_W]);
  json_kv_number(j, "avg_power_W", t[T_LATENCY_NS] > 0 ? t[T_ENERGY_NJ] / t[T_LATENCY_NS] : 0);
  json_kv_number(j, "latency_ms", latency_ms);
  json_kv_number(j, "energy_uJ", t[T_ENERGY_NJ] * NJ_TO_UJ);
  json_kv_number(j, "edp_mJms", energy_mj * latency_ms);
  json_kv_number(j, "tops_per_W", t[T_ENERGY_NJ] > 0 ? t[T_OPS] / t[T_ENERGY_NJ] * 1e-3 : 0);
  json_kv_number(j, "gops", t[T_OPS] * 1e-9);
  json_kv_number(j, "utilization", t[T_UTILIZATION]);
  json_close(j, "}");
  if (!totals_only) {
    json_key(j, "layers"); json_open(j, "[");
    for (int i = 0; i < net->n_layers; i++) {
      const double *o = t + TOTALS_LEN + (size_t)i * LAYER_OUT_LEN;
      json_open(j, "{");
      json_kv_number(j, "index", i);
      json_key(j, "name"); json_string(j, net->layer_names[i]);
      json_key(j, "type"); json_string(j, net->layer_types[i]);
      json_kv_number(j, "tiles", o[O_TILES]);
      json_kv_number(j, "pes", o[O_PES]);
      json_kv_number(j, "xbars", o[O_XBARS]);
      json_kv_number(j, "area_mm2", o[O_AREA_UM2] * UM2_TO_MM2);
      json_kv_number(j, "power_W", o[O_POWER_W]);
      json_kv_number(j, "energy_uJ", o[O_ENERGY_NJ] * NJ_TO_UJ);
      json_kv_number(j, "begin_us", o[O_BEGIN_NS] * NS_TO_US);
      json_kv_number(j, "first_done_us", o[O_FIRST_DONE_NS] * NS_TO_US);
      json_kv_number(j, "last_done_us", o[O_LAST_DONE_NS] * NS_TO_US);
      json_kv_number(j, "pixel_latency_ns", o[O_PIXEL_NS]);
      json_kv_number(j, "output_pixels", o[O_PIXELS]);
      json_kv_number(j, "utilization", o[O_UTILIZATION]);
      json_kv_number(j, "gops", o[O_OPS] * 1e-9);
      json_kv_number(j, "row_tiles", o[O_ROW_TILES]);
      json_kv_number(j, "col_tiles", o[O_COL_TILES]);
      json_kv_number(j, "weight_slices", o[O_WEIGHT_SLICES]);
      json_kv_number(j, "input_cycles", o[O_INPUT_CYCLES]);
      json_kv_number(j, "rows_used", o[O_ROWS_USED]);
      json_kv_number(j, "cols_used", o[O_COLS_USED]);
      json_kv_number(j, "hops_in", o[O_HOPS_IN]);
      json_kv_number(j, "hops_out", o[O_HOPS_OUT]);
      json_key(j, "components"); json_open(j, "{");
      component_blocks(j, o, O_AREA_COMP, O_POWER_COMP, O_ENERGY_COMP);
      json_close(j, "}");
      json_close(j, "}");
    }
    json_close(j, "]");
    json_key(j, "components"); json_open(j, "{");
    component_blocks(j, t, T_AREA_COMP, T_POWER_COMP, T_ENERGY_COMP);
    json_key(j, "global_accumulator_in_totals"); json_bool(j, strcmp(model, "gibbon") == 0);
    json_close(j, "}");
  }
  json_close(j, "}");
}

/* ===== Running jobs ===== */

/* Packs the network once and each architecture, runs one batch call, writes each result's public JSON
 * (an array when `as_array`). Returns the text or NULL with *error (the first failed job's message). */
static char *run(gibbon_host *h, const network_t *net, const arch_t *archs, int n_archs, const char *model, int pipeline,
                 int totals_only, int indent, int as_array, char **error) {
  if (n_archs == 0) return message("[]");
  gibbon_host *volatile host = h;
  Z_gibbon_hw_instance_t *in = &host->instance;
  size_t per_result = totals_only ? SUMMARY_LEN : (size_t)RESULT_HEADER_LEN + TOTALS_LEN + (size_t)net->n_layers * LAYER_OUT_LEN;
  size_t bytes = 8 * ((size_t)n_archs * (BATCH_JOB_LEN + ARCH_LEN + per_result) + (size_t)net->n_layers * LAYER_LEN);
  if (bytes > 0x7fffffff) { *error = message("simulate: %d architectures of %d layers do not fit in the module's memory; pass fewer per call", n_archs, net->n_layers); return NULL; }
  int trap = wasm_rt_impl_try();
  if (trap != 0) {
    *error = message("gibbon-hw.wasm trapped (%s; abort at %u:%u): this is a bug in the simulator kernel",
                     wasm_rt_strerror((wasm_rt_trap_t)trap), host->env.line, host->env.col);
    return NULL;
  }
  u32 base = Z_gibbon_hwZ_gibbon_alloc(in, (u32)bytes);
  u32 jobs = base, layers = jobs + 8 * BATCH_JOB_LEN * n_archs, arch_at = layers + 8 * LAYER_LEN * net->n_layers;
  u32 out = arch_at + 8 * ARCH_LEN * n_archs;
  memcpy(slots(host, layers), net->records, 8 * (size_t)LAYER_LEN * net->n_layers);
  for (int k = 0; k < n_archs; k++) {
    memcpy(slots(host, arch_at + 8 * ARCH_LEN * k), archs[k].record, 8 * ARCH_LEN);
    double *job = slots(host, jobs + 8 * BATCH_JOB_LEN * k);
    job[J_ARCH_PTR] = arch_at + 8 * ARCH_LEN * k;
    job[J_LAYERS_PTR] = layers;
    job[J_N_LAYERS] = net->n_layers;
    job[J_OUT_PTR] = out + 8 * per_result * k;
  }
  if (totals_only) Z_gibbon_hwZ_gibbon_simulate_batch_totals(in, jobs, (u32)n_archs, out);
  else Z_gibbon_hwZ_gibbon_simulate_batch(in, jobs, (u32)n_archs);
  json_t j = {.indent = indent};
  char *result = NULL;
  if (as_array) json_open(&j, "[");
  for (int k = 0; k < n_archs; k++) {
    const double *r = slots(host, out + 8 * per_result * k); /* re-read: the calls may have grown the memory */
    if (r[R_STATUS] != 0) { *error = status_message(r, net, &archs[k]); free(j.out.s); j.out.s = NULL; break; }
    public_json(&j, r, net, &archs[k], model, pipeline, totals_only);
  }
  if (j.out.s) { if (as_array) json_close(&j, "]"); result = take(&j.out); }
  Z_gibbon_hwZ_gibbon_free(in, base);
  return result;
}

char *gibbon_host_simulate(gibbon_host *h, const char *net_spec, const char *arch_spec, const char *model, int pipeline,
                           int indent, char **error) {
  *error = NULL;
  network_t net;
  arch_t arch;
  int switches = model_switches(h, model, error);
  if (switches < 0) return NULL;
  if (load_network(h, net_spec, &net, error)) { network_free(&net); return NULL; }
  char *out = NULL;
  if (load_arch(h, arch_spec, NULL, switches, pipeline, &arch, error) == 0) {
    out = run(h, &net, &arch, 1, model ? model : GIBBON_MODELS[0].name, pipeline, 0, indent, 0, error);
  }
  network_free(&net);
  return out;
}

char *gibbon_host_simulate_batch(gibbon_host *h, const char *net_spec, const char *archs_json, const char *model, int pipeline,
                                 int totals_only, int indent, char **error) {
  *error = NULL;
  int switches = model_switches(h, model, error);
  if (switches < 0) return NULL;
  cJSON *list = cJSON_Parse(archs_json);
  if (!cJSON_IsArray(list)) {
    *error = message("%s: got a value that is not a JSON array; allowed: a list of preset names, .json paths or architecture objects", h->arch_label);
    cJSON_Delete(list);
    return NULL;
  }
  int n = cJSON_GetArraySize(list);
  arch_t *archs = calloc(n > 0 ? (size_t)n : 1, sizeof *archs);
  char *out = NULL;
  network_t net;
  int rc = load_network(h, net_spec, &net, error);
  int k = 0;
  for (const cJSON *item = list->child; rc == 0 && item; item = item->next, k++) {
    if (cJSON_IsString(item)) rc = load_arch(h, item->valuestring, NULL, switches, pipeline, &archs[k], error);
    else rc = load_arch(h, NULL, item, switches, pipeline, &archs[k], error);
  }
  if (rc == 0) out = run(h, &net, archs, n, model ? model : GIBBON_MODELS[0].name, pipeline, totals_only, indent, 1, error);
  network_free(&net);
  free(archs);
  cJSON_Delete(list);
  return out;
}
