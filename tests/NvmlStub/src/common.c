/*
 * A stand-in for libnvidia-ml.so.1: every function GpuQos binds, with NVML's signatures and semantics
 * (versioned structs, the INSUFFICIENT_SIZE handshake, NOT_SUPPORTED where real NVML says so), over a
 * host read from GPUQOS_NVML_STUB_FIXTURE. Control calls are appended to GPUQOS_NVML_STUB_LOG. Fault
 * records in the fixture make any function fail with any code, per device, from the Nth call onward, on
 * every call or at a seeded random rate.
 * This file holds the state and the helpers; api_*.c hold the NVML functions by area.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "stub_api.h"

pthread_mutex_t stub_lock = PTHREAD_MUTEX_INITIALIZER;
struct stub_host stub_host_state;
int stub_init_count;

/* Whether a due fault fires this time: always at rate 100, else with that chance from its own seeded xorshift64. */
static int fires(struct stub_fault *f)
{
    if (f->rate >= 100) {
        return 1;
    }
    f->random ^= f->random << 13;
    f->random ^= f->random >> 7;
    f->random ^= f->random << 17;
    return f->random % 100 < f->rate;
}

nvmlReturn_t injected(const char *fn, int gpu)
{
    nvmlReturn_t result = NVML_SUCCESS;
    for (int i = 0; i < stub_host_state.fault_count; i++) {
        struct stub_fault *f = &stub_host_state.faults[i];
        if ((strcmp(f->fn, "*") == 0 || strcmp(f->fn, fn) == 0) && (f->gpu < 0 || f->gpu == gpu)) {
            f->calls++;
            if (f->calls >= f->from && result == NVML_SUCCESS && fires(f)) {
                result = f->code;
            }
        }
    }
    return result;
}

void log_call(nvmlReturn_t result, const char *format, ...)
{
    const char *path = getenv("GPUQOS_NVML_STUB_LOG");
    if (!path || !*path) {
        return;
    }
    FILE *f = fopen(path, "a");
    if (!f) {
        return;
    }
    va_list args;
    va_start(args, format);
    vfprintf(f, format, args);
    va_end(args);
    fprintf(f, " -> %d\n", result);
    fclose(f);
}

struct stub_gpu *physical(nvmlDevice_t device)
{
    for (int i = 0; i < stub_host_state.gpu_count; i++) {
        if (device == &stub_host_state.gpus[i].handle) {
            return &stub_host_state.gpus[i];
        }
    }
    return NULL;
}

struct nvmlGpuInstance_st *mig_instance(nvmlDevice_t device)
{
    for (int i = 0; i < stub_host_state.gpu_count; i++) {
        for (int k = 0; k < stub_host_state.gpus[i].gi_count; k++) {
            if (device == &stub_host_state.gpus[i].mig_handles[k]) {
                return stub_host_state.gpus[i].mig_handles[k].gi;
            }
        }
    }
    return NULL;
}

/* Any handle (physical or MIG) to its physical GPU. */
struct stub_gpu *any_gpu(nvmlDevice_t device)
{
    struct stub_gpu *g = physical(device);
    if (g) {
        return g;
    }
    struct nvmlGpuInstance_st *gi = mig_instance(device);
    return gi ? gi->gpu : NULL;
}


size_t bounded(size_t n, size_t max)
{
    return n < max ? n : max;
}

nvmlReturn_t copy_text(char *dest, unsigned int length, const char *src)
{
    if (!dest) {
        return NVML_ERROR_INVALID_ARGUMENT;
    }
    if (strlen(src) + 1 > length) {
        return NVML_ERROR_INSUFFICIENT_SIZE;
    }
    memcpy(dest, src, strlen(src) + 1);
    return NVML_SUCCESS;
}

int process_visible(struct stub_gpu *g, struct stub_process *p)
{
    /* from=N: the process starts at the GPU's Nth process-list call, and counts in its memory from then on.
       from=1 (the default) is there from the start, before any call: the device's memory figures do not wait
       for the first process-list call, as on a real GPU. */
    if (p->from_call > 1 && g->process_calls < p->from_call) {
        return 0;
    }
    return !p->real || stub_process_cpu_ticks(p->pid) >= 0;
}

/* A real process's share of one CPU since it was last measured, in percent. */
unsigned int real_share(struct stub_process *p)
{
    long long ticks = stub_process_cpu_ticks(p->pid);
    double now = stub_monotonic_seconds();
    if (ticks < 0) {
        return 0;
    }
    if (p->last_time > 0 && now - p->last_time < 0.05) {
        return p->last_share;
    }
    if (p->last_time > 0) {
        double seconds = (double)(ticks - (long long)p->last_ticks) / (double)sysconf(_SC_CLK_TCK);
        double share = 100.0 * seconds / (now - p->last_time);
        p->last_share = share < 0 ? 0 : share > 100 ? 100 : (unsigned int)(share + 0.5);
    }
    p->last_ticks = (unsigned long long)ticks;
    p->last_time = now;
    return p->last_share;
}

/* Memory in use, MiB: a GPU instance's (gi >= 0) or the whole device's (gi < 0). A fixture that records a
   measured figure (key used, as real dumps do: they include the driver's own allocations) reports it;
   otherwise it is the sum of the processes' use (and, on the device, of the vGPUs' framebuffers). */
unsigned long long used_mib(struct stub_gpu *g, int gi)
{
    if (gi < 0 && g->used_mib >= 0) {
        return (unsigned long long)g->used_mib;
    }
    for (int k = 0; gi >= 0 && k < g->gi_count; k++) {
        if (g->gis[k].id == (unsigned int)gi && g->gis[k].used_mib >= 0) {
            return (unsigned long long)g->gis[k].used_mib;
        }
    }
    unsigned long long used = 0;
    for (int i = 0; i < g->proc_count; i++) {
        struct stub_process *p = &g->procs[i];
        if (process_visible(g, p) && (gi < 0 || p->gi == (unsigned int)gi)) {
            used += p->memory_mib;
        }
    }
    if (gi < 0) {
        for (int i = 0; i < g->vgpu_count; i++) {
            used += g->vgpus[i].fb_used_mib;
        }
    }
    return used;
}

/* Whether a GPU instance exists at the GPU's current topology read (fixture keys from/until). */
int gi_present(struct stub_gpu *g, struct nvmlGpuInstance_st *gi)
{
    unsigned int epoch = g->topology_calls > 0 ? g->topology_calls : 1;
    return epoch >= gi->from && (gi->until == 0 || epoch < gi->until);
}

struct stub_profile *profile_by_id(struct stub_gpu *g, unsigned int id)
{
    for (int i = 0; i < g->profile_count; i++) {
        if (g->profiles[i].info.id == id) {
            return &g->profiles[i];
        }
    }
    return NULL;
}

struct stub_vgpu *vgpu_by_id(nvmlVgpuInstance_t id, struct stub_gpu **owner)
{
    for (int i = 0; i < stub_host_state.gpu_count; i++) {
        for (int k = 0; k < stub_host_state.gpus[i].vgpu_count; k++) {
            if (stub_host_state.gpus[i].vgpus[k].id == id) {
                *owner = &stub_host_state.gpus[i];
                return &stub_host_state.gpus[i].vgpus[k];
            }
        }
    }
    return NULL;
}

struct stub_vgpu *vgpu_type(nvmlVgpuTypeId_t type, struct stub_gpu **owner)
{
    for (int i = 0; i < stub_host_state.gpu_count; i++) {
        for (int k = 0; k < stub_host_state.gpus[i].vgpu_count; k++) {
            if (stub_host_state.gpus[i].vgpus[k].type_id == type) {
                *owner = &stub_host_state.gpus[i];
                return &stub_host_state.gpus[i].vgpus[k];
            }
        }
    }
    return NULL;
}
