/*
 * The fixture format (docs/nvml.md has the reference): one record per line, '#' starts a comment,
 * the first word names the record and the rest are key=value pairs; values with spaces are quoted.
 * Unknown records and keys are errors, reported with their line number.
 */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "stub.h"

#define MAX_TOKENS 64

struct kv {
    char *key;
    char *value;
    int used;
};

struct record {
    const char *path;
    int line;
    struct kv kvs[MAX_TOKENS];
    int count;
    int failed;
};

static void fail(struct record *r, const char *what, const char *detail)
{
    fprintf(stderr, "nvml-stub: %s:%d: %s%s\n", r->path, r->line, what, detail ? detail : "");
    r->failed = 1;
}

/* Splits the line in place into words; a word may hold a double-quoted value (key="a b"). */
static int split(char *line, char **words, int max)
{
    int n = 0;
    char *p = line;
    while (*p) {
        while (isspace((unsigned char)*p)) {
            p++;
        }
        if (!*p || *p == '#') {
            break;
        }
        if (n == max) {
            return -1;
        }
        char *out = p;
        words[n++] = out;
        int quoted = 0;
        while (*p && (quoted || !isspace((unsigned char)*p))) {
            if (*p == '"') {
                quoted = !quoted;
                p++;
                continue;
            }
            *out++ = *p++;
        }
        if (*p) {
            p++;
        }
        *out = '\0';
    }
    return n;
}

static const char *get(struct record *r, const char *key)
{
    for (int i = 0; i < r->count; i++) {
        if (strcmp(r->kvs[i].key, key) == 0) {
            r->kvs[i].used = 1;
            return r->kvs[i].value;
        }
    }
    return NULL;
}

static unsigned long long num(struct record *r, const char *key, unsigned long long fallback)
{
    const char *v = get(r, key);
    if (!v) {
        return fallback;
    }
    char *end;
    unsigned long long x = strtoull(v, &end, 0);
    if (*end) {
        fail(r, "not a number: ", key);
    }
    return x;
}

static long long snum(struct record *r, const char *key, long long fallback)
{
    const char *v = get(r, key);
    if (!v) {
        return fallback;
    }
    char *end;
    long long x = strtoll(v, &end, 0);
    if (*end) {
        fail(r, "not a number: ", key);
    }
    return x;
}

static void text(struct record *r, const char *key, char *dest, const char *fallback)
{
    const char *v = get(r, key);
    snprintf(dest, TEXT, "%s", v ? v : fallback);
}

static struct stub_gpu *gpu_of(struct record *r, struct stub_host *h)
{
    long long g = snum(r, "gpu", -1);
    if (g < 0 || g >= h->gpu_count) {
        fail(r, "gpu= must name a gpu record above (0-based)", NULL);
        return NULL;
    }
    return &h->gpus[g];
}

static const struct { const char *name; int code; } codes[] = {
    {"SUCCESS", 0}, {"UNINITIALIZED", 1}, {"INVALID_ARGUMENT", 2}, {"NOT_SUPPORTED", 3},
    {"NO_PERMISSION", 4}, {"ALREADY_INITIALIZED", 5}, {"NOT_FOUND", 6}, {"INSUFFICIENT_SIZE", 7},
    {"INSUFFICIENT_POWER", 8}, {"DRIVER_NOT_LOADED", 9}, {"TIMEOUT", 10}, {"IRQ_ISSUE", 11},
    {"LIBRARY_NOT_FOUND", 12}, {"FUNCTION_NOT_FOUND", 13}, {"CORRUPTED_INFOROM", 14}, {"GPU_IS_LOST", 15},
    {"RESET_REQUIRED", 16}, {"OPERATING_SYSTEM", 17}, {"LIB_RM_VERSION_MISMATCH", 18}, {"IN_USE", 19},
    {"MEMORY", 20}, {"NO_DATA", 21}, {"VGPU_ECC_NOT_SUPPORTED", 22}, {"INSUFFICIENT_RESOURCES", 23},
    {"FREQ_NOT_SUPPORTED", 24}, {"ARGUMENT_VERSION_MISMATCH", 25}, {"DEPRECATED", 26}, {"NOT_READY", 27},
    {"GPU_NOT_FOUND", 28}, {"INVALID_STATE", 29}, {"UNKNOWN", 999},
};

static void parse_gpu(struct record *r, struct stub_host *h)
{
    if (h->gpu_count == MAX_GPUS) {
        fail(r, "too many gpu records", NULL);
        return;
    }
    struct stub_gpu *g = &h->gpus[h->gpu_count];
    memset(g, 0, sizeof *g);
    g->index = h->gpu_count++;
    g->handle.gpu = g;
    text(r, "uuid", g->uuid, "");
    text(r, "name", g->name, "NVIDIA stub GPU");
    text(r, "pci", g->pci, "00000000:00:00.0");
    text(r, "serial", g->serial, "");
    g->minor = (unsigned int)num(r, "minor", (unsigned long long)g->index);
    g->memory_mib = num(r, "memory", 16384);
    g->reserved_mib = num(r, "reserved", 512);
    g->used_mib = snum(r, "used", -1);
    g->sm_util = (unsigned int)num(r, "sm_util", 0);
    g->mem_util = (unsigned int)num(r, "mem_util", 0);
    g->sm_clock_max = (unsigned int)num(r, "sm_clock_max", 1500);
    g->sm_clock = (unsigned int)num(r, "sm_clock", g->sm_clock_max);
    g->mem_clock = (unsigned int)num(r, "mem_clock", 1215);
    g->power_mw = (unsigned int)num(r, "power", 100000);
    g->power_max_mw = (unsigned int)num(r, "power_max", 300000);
    g->power_limit_mw = (unsigned int)num(r, "power_limit", g->power_max_mw);
    g->power_default_mw = g->power_limit_mw;
    g->power_min_mw = (unsigned int)num(r, "power_min", g->power_max_mw / 4);
    g->energy_mj = num(r, "energy", 0);
    g->temp = (int)snum(r, "temp", 40);
    g->fan = (int)snum(r, "fan", -1);
    g->mps_clients_in_compute = (int)num(r, "mps_clients_in_compute", 0);
    g->compute_mode = (int)snum(r, "compute_mode", 0);
    g->mig = (int)num(r, "mig", 0);
    g->virt = (int)num(r, "virt", 0);
    g->gpm = (int)num(r, "gpm", 0);
    g->proc_util = (int)num(r, "proc_util", 1);
    g->clock_reasons = num(r, "clock_reasons", 0);
    g->ecc_corrected = num(r, "ecc_corrected", 0);
    g->ecc_uncorrected = num(r, "ecc_uncorrected", 0);
    g->remap_correctable = (unsigned int)num(r, "remap_correctable", 0);
    g->remap_uncorrectable = (unsigned int)num(r, "remap_uncorrectable", 0);
    g->remap_pending = (unsigned int)num(r, "remap_pending", 0);
    g->remap_failed = (unsigned int)num(r, "remap_failed", 0);
    g->pcie_tx = (unsigned int)num(r, "pcie_tx", 0);
    g->pcie_rx = (unsigned int)num(r, "pcie_rx", 0);
    g->vgpu_policy = (unsigned int)num(r, "vgpu_policy", 0);
    g->vgpu_timeslice_ns = (unsigned int)num(r, "vgpu_timeslice", 0);
    const char *cc = get(r, "cc");
    g->cc_major = 8;
    g->cc_minor = 0;
    if (cc && sscanf(cc, "%d.%d", &g->cc_major, &g->cc_minor) != 2) {
        fail(r, "cc must be MAJOR.MINOR, e.g. 9.0", NULL);
    }
}

static void parse_driver(struct record *r, struct stub_host *h)
{
    const char *version = get(r, "version"), *nvml = get(r, "nvml");
    if (version) {
        snprintf(h->driver_version, TEXT, "%s", version);
    }
    if (nvml) {
        snprintf(h->nvml_version, TEXT, "%s", nvml);
    }
    h->cuda_version = (int)snum(r, "cuda", h->cuda_version);
}

static void parse_profile(struct record *r, struct stub_host *h)
{
    struct stub_gpu *g = gpu_of(r, h);
    if (!g) {
        return;
    }
    if (g->profile_count == MAX_PROFILES) {
        fail(r, "too many profile records", NULL);
        return;
    }
    struct stub_profile *p = &g->profiles[g->profile_count++];
    memset(p, 0, sizeof *p);
    p->profile_enum = (unsigned int)num(r, "enum", 0);
    p->info.id = (unsigned int)num(r, "id", 0);
    p->info.sliceCount = (unsigned int)num(r, "slices", 1);
    p->info.instanceCount = (unsigned int)num(r, "count", 1);
    p->info.multiprocessorCount = (unsigned int)num(r, "sms", 0);
    p->info.memorySizeMB = num(r, "memory", 0);
    p->info.copyEngineCount = (unsigned int)num(r, "copy_engines", 1);
    p->info.decoderCount = (unsigned int)num(r, "decoders", 0);
    p->info.encoderCount = (unsigned int)num(r, "encoders", 0);
}

static void parse_gi(struct record *r, struct stub_host *h)
{
    struct stub_gpu *g = gpu_of(r, h);
    if (!g) {
        return;
    }
    if (g->gi_count == MAX_GIS) {
        fail(r, "too many gi records", NULL);
        return;
    }
    struct nvmlGpuInstance_st *gi = &g->gis[g->gi_count];
    memset(gi, 0, sizeof *gi);
    gi->gpu = g;
    gi->id = (unsigned int)num(r, "id", 0);
    gi->profile_id = (unsigned int)num(r, "profile", 0);
    gi->start = (unsigned int)num(r, "start", 0);
    gi->size = (unsigned int)num(r, "size", 1);
    gi->sm_util = (unsigned int)num(r, "sm_util", 0);
    gi->dram_util = (unsigned int)num(r, "dram_util", 0);
    gi->used_mib = snum(r, "used", -1);
    gi->from = (unsigned int)num(r, "from", 1);
    gi->until = (unsigned int)num(r, "until", 0);
    gi->ci.gi = gi;
    gi->ci.id = (unsigned int)num(r, "ci", 0);
    text(r, "uuid", gi->uuid, "");
    g->mig_handles[g->gi_count].gpu = g;
    g->mig_handles[g->gi_count].gi = gi;
    g->gi_count++;
}

/* context=compute (default), graphics or mps (an MPS client), or several joined by '+': the lists it is in. */
static unsigned int parse_contexts(struct record *r)
{
    const char *v = get(r, "context");
    if (!v) {
        return CTX_COMPUTE;
    }
    unsigned int contexts = 0;
    char buffer[TEXT];
    snprintf(buffer, sizeof buffer, "%s", v);
    char *save = NULL;
    for (char *word = strtok_r(buffer, "+", &save); word; word = strtok_r(NULL, "+", &save)) {
        if (strcmp(word, "compute") == 0) {
            contexts |= CTX_COMPUTE;
        } else if (strcmp(word, "graphics") == 0) {
            contexts |= CTX_GRAPHICS;
        } else if (strcmp(word, "mps") == 0) {
            contexts |= CTX_MPS;
        } else {
            fail(r, "context is compute, graphics or mps (joined by '+'), not ", word);
        }
    }
    if (!contexts) {
        fail(r, "context names no list: ", v);
    }
    return contexts;
}

static void parse_process(struct record *r, struct stub_host *h)
{
    struct stub_gpu *g = gpu_of(r, h);
    if (!g) {
        return;
    }
    if (g->proc_count == MAX_PROCS) {
        fail(r, "too many process records", NULL);
        return;
    }
    struct stub_process *p = &g->procs[g->proc_count++];
    memset(p, 0, sizeof *p);
    p->pid = (unsigned int)num(r, "pid", 0);
    text(r, "name", p->name, "");
    p->memory_mib = num(r, "memory", 0);
    p->gi = (unsigned int)num(r, "gi", 0xFFFFFFFFULL);
    p->ci = (unsigned int)num(r, "ci", p->gi == 0xFFFFFFFFU ? 0xFFFFFFFFULL : 0);
    p->sm = (unsigned int)num(r, "sm", 0);
    p->mem = (unsigned int)num(r, "mem", 0);
    p->sm_step = (unsigned int)num(r, "sm_step", 0);
    p->idle_after = (unsigned int)num(r, "idle_after", 0);
    p->sampled = (int)num(r, "sampled", 1);
    p->real = (int)num(r, "real", 0);
    p->from_call = (unsigned int)num(r, "from", 1);
    p->contexts = parse_contexts(r);
}

static void parse_vgpu(struct record *r, struct stub_host *h)
{
    struct stub_gpu *g = gpu_of(r, h);
    if (!g) {
        return;
    }
    if (g->vgpu_count == MAX_VGPUS) {
        fail(r, "too many vgpu records", NULL);
        return;
    }
    struct stub_vgpu *v = &g->vgpus[g->vgpu_count++];
    memset(v, 0, sizeof *v);
    v->id = (unsigned int)num(r, "id", 0);
    v->type_id = (unsigned int)num(r, "type_id", 0);
    text(r, "vm", v->vm, "");
    text(r, "type", v->type, "");
    v->fb_mib = num(r, "fb", 0);
    v->fb_used_mib = num(r, "fb_used", 0);
    v->sm = (unsigned int)num(r, "sm", 0);
    v->mem = (unsigned int)num(r, "mem", 0);
    v->enc = (unsigned int)num(r, "enc", 0);
    v->dec = (unsigned int)num(r, "dec", 0);
}

static void parse_xid(struct record *r, struct stub_host *h)
{
    struct stub_gpu *g = gpu_of(r, h);
    if (!g) {
        return;
    }
    if (h->xid_count == MAX_XIDS) {
        fail(r, "too many xid records", NULL);
        return;
    }
    struct stub_xid *x = &h->xids[h->xid_count++];
    x->gpu = g->index;
    x->code = num(r, "code", 0);
    x->after_ms = (unsigned int)num(r, "after", 0);
    x->delivered = 0;
}

static void parse_fault(struct record *r, struct stub_host *h)
{
    if (h->fault_count == MAX_FAULTS) {
        fail(r, "too many fault records", NULL);
        return;
    }
    struct stub_fault *f = &h->faults[h->fault_count++];
    memset(f, 0, sizeof *f);
    text(r, "fn", f->fn, "*");
    const char *gpu = get(r, "gpu");
    f->gpu = (!gpu || strcmp(gpu, "*") == 0) ? -1 : atoi(gpu);
    const char *code = get(r, "code");
    f->code = -1;
    for (size_t i = 0; code && i < sizeof codes / sizeof codes[0]; i++) {
        if (strcmp(code, codes[i].name) == 0) {
            f->code = codes[i].code;
        }
    }
    if (code && f->code < 0 && isdigit((unsigned char)code[0])) {
        f->code = atoi(code);
    }
    if (f->code < 0) {
        fail(r, "fault needs code=NAME (e.g. GPU_IS_LOST) or a number", NULL);
    }
    f->from = (unsigned int)num(r, "from", 1);
    f->rate = (unsigned int)num(r, "rate", 100);
    if (f->rate > 100) {
        fail(r, "rate is a percentage (0-100): ", "rate");
    }
    /* xorshift64 needs a state other than 0. */
    f->random = num(r, "seed", 1) | 1ULL << 63;
}

int stub_load_fixture(const char *path, struct stub_host *host)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "nvml-stub: cannot open fixture %s\n", path);
        return -1;
    }
    memset(host, 0, sizeof *host);
    /* A driver of the NVML 13 generation the backend is written against, unless a `driver` record says otherwise. */
    snprintf(host->driver_version, TEXT, "%s", "580.82.07");
    snprintf(host->nvml_version, TEXT, "%s", "13.580.82.07");
    host->cuda_version = 13000;
    char line[2048];
    int number = 0, failed = 0;
    while (fgets(line, sizeof line, f)) {
        number++;
        char *words[MAX_TOKENS + 1];
        struct record r = {.path = path, .line = number};
        int n = split(line, words, MAX_TOKENS + 1);
        if (n < 0) {
            fail(&r, "too many fields", NULL);
            failed = 1;
            continue;
        }
        if (n == 0) {
            continue;
        }
        for (int i = 1; i < n; i++) {
            char *eq = strchr(words[i], '=');
            if (!eq) {
                fail(&r, "expected key=value, got ", words[i]);
                continue;
            }
            *eq = '\0';
            r.kvs[r.count++] = (struct kv){.key = words[i], .value = eq + 1};
        }
        const char *kind = words[0];
        if (strcmp(kind, "gpu") == 0) {
            parse_gpu(&r, host);
        } else if (strcmp(kind, "profile") == 0) {
            parse_profile(&r, host);
        } else if (strcmp(kind, "gi") == 0) {
            parse_gi(&r, host);
        } else if (strcmp(kind, "process") == 0) {
            parse_process(&r, host);
        } else if (strcmp(kind, "vgpu") == 0) {
            parse_vgpu(&r, host);
        } else if (strcmp(kind, "xid") == 0) {
            parse_xid(&r, host);
        } else if (strcmp(kind, "fault") == 0) {
            parse_fault(&r, host);
        } else if (strcmp(kind, "driver") == 0) {
            parse_driver(&r, host);
        } else {
            fail(&r, "unknown record ", kind);
        }
        for (int i = 0; i < r.count; i++) {
            if (!r.kvs[i].used) {
                fail(&r, "unknown key ", r.kvs[i].key);
            }
        }
        failed |= r.failed;
    }
    fclose(f);
    return failed ? -1 : 0;
}
