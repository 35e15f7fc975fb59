/*
 * A stand-in for libnvidia-ml.so.1: every function GpuQos binds, with NVML's signatures and semantics
 * (versioned structs, the INSUFFICIENT_SIZE handshake, NOT_SUPPORTED where real NVML says so), over a
 * host read from GPUQOS_NVML_STUB_FIXTURE. Control calls are appended to GPUQOS_NVML_STUB_LOG. Fault
 * records in the fixture make any function fail with any code, per device, from the Nth call onward.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "stub.h"

#define API __attribute__((visibility("default")))

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct stub_host host;
static int init_count;

struct nvmlEventSet_st {
    unsigned long long registered[MAX_GPUS];
};

struct nvmlGpmSample_st {
    int gpu;
    unsigned int gi;
    unsigned long long ts;
    int taken;
};

/* ---- plumbing --------------------------------------------------------------------------------- */

static nvmlReturn_t injected(const char *fn, int gpu)
{
    nvmlReturn_t result = NVML_SUCCESS;
    for (int i = 0; i < host.fault_count; i++) {
        struct stub_fault *f = &host.faults[i];
        if ((strcmp(f->fn, "*") == 0 || strcmp(f->fn, fn) == 0) && (f->gpu < 0 || f->gpu == gpu)) {
            f->calls++;
            if (f->calls >= f->from && result == NVML_SUCCESS) {
                result = f->code;
            }
        }
    }
    return result;
}

static void log_call(nvmlReturn_t result, const char *format, ...)
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

static struct stub_gpu *physical(nvmlDevice_t device)
{
    for (int i = 0; i < host.gpu_count; i++) {
        if (device == &host.gpus[i].handle) {
            return &host.gpus[i];
        }
    }
    return NULL;
}

static struct nvmlGpuInstance_st *mig_instance(nvmlDevice_t device)
{
    for (int i = 0; i < host.gpu_count; i++) {
        for (int k = 0; k < host.gpus[i].gi_count; k++) {
            if (device == &host.gpus[i].mig_handles[k]) {
                return host.gpus[i].mig_handles[k].gi;
            }
        }
    }
    return NULL;
}

/* Any handle (physical or MIG) to its physical GPU. */
static struct stub_gpu *any_gpu(nvmlDevice_t device)
{
    struct stub_gpu *g = physical(device);
    if (g) {
        return g;
    }
    struct nvmlGpuInstance_st *gi = mig_instance(device);
    return gi ? gi->gpu : NULL;
}

/* Opens a device call: initialized, a valid handle, no injected fault. Leaves the lock held on success. */
#define ENTER_GPU(fn, device, g)                                    \
    pthread_mutex_lock(&lock);                                      \
    if (init_count == 0) {                                          \
        pthread_mutex_unlock(&lock);                                \
        return NVML_ERROR_UNINITIALIZED;                            \
    }                                                               \
    struct stub_gpu *g = any_gpu(device);                           \
    if (!g) {                                                       \
        pthread_mutex_unlock(&lock);                                \
        return NVML_ERROR_INVALID_ARGUMENT;                         \
    }                                                               \
    do {                                                            \
        nvmlReturn_t fault_ = injected(fn, g->index);               \
        if (fault_ != NVML_SUCCESS) {                               \
            pthread_mutex_unlock(&lock);                            \
            return fault_;                                          \
        }                                                           \
    } while (0)

#define ENTER(fn)                                                   \
    pthread_mutex_lock(&lock);                                      \
    if (init_count == 0) {                                          \
        pthread_mutex_unlock(&lock);                                \
        return NVML_ERROR_UNINITIALIZED;                            \
    }                                                               \
    do {                                                            \
        nvmlReturn_t fault_ = injected(fn, -1);                     \
        if (fault_ != NVML_SUCCESS) {                               \
            pthread_mutex_unlock(&lock);                            \
            return fault_;                                          \
        }                                                           \
    } while (0)

#define LEAVE(result)                                               \
    do {                                                            \
        nvmlReturn_t r_ = (result);                                 \
        pthread_mutex_unlock(&lock);                                \
        return r_;                                                  \
    } while (0)

static size_t bounded(size_t n, size_t max)
{
    return n < max ? n : max;
}

static nvmlReturn_t copy_text(char *dest, unsigned int length, const char *src)
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

static int process_visible(struct stub_gpu *g, struct stub_process *p)
{
    if (g->process_calls < p->from_call) {
        return 0;
    }
    return !p->real || stub_process_cpu_ticks(p->pid) >= 0;
}

/* A real process's share of one CPU since it was last measured, in percent. */
static unsigned int real_share(struct stub_process *p)
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

static unsigned long long used_mib(struct stub_gpu *g, int gi)
{
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

static struct stub_profile *profile_by_id(struct stub_gpu *g, unsigned int id)
{
    for (int i = 0; i < g->profile_count; i++) {
        if (g->profiles[i].info.id == id) {
            return &g->profiles[i];
        }
    }
    return NULL;
}

static struct stub_vgpu *vgpu_by_id(nvmlVgpuInstance_t id, struct stub_gpu **owner)
{
    for (int i = 0; i < host.gpu_count; i++) {
        for (int k = 0; k < host.gpus[i].vgpu_count; k++) {
            if (host.gpus[i].vgpus[k].id == id) {
                *owner = &host.gpus[i];
                return &host.gpus[i].vgpus[k];
            }
        }
    }
    return NULL;
}

static struct stub_vgpu *vgpu_type(nvmlVgpuTypeId_t type, struct stub_gpu **owner)
{
    for (int i = 0; i < host.gpu_count; i++) {
        for (int k = 0; k < host.gpus[i].vgpu_count; k++) {
            if (host.gpus[i].vgpus[k].type_id == type) {
                *owner = &host.gpus[i];
                return &host.gpus[i].vgpus[k];
            }
        }
    }
    return NULL;
}

/* ---- init ------------------------------------------------------------------------------------- */

API nvmlReturn_t nvmlInitWithFlags(unsigned int flags)
{
    (void)flags;
    pthread_mutex_lock(&lock);
    if (init_count == 0) {
        const char *path = getenv("GPUQOS_NVML_STUB_FIXTURE");
        if (!path || !*path) {
            fprintf(stderr, "nvml-stub: GPUQOS_NVML_STUB_FIXTURE is not set\n");
            LEAVE(NVML_ERROR_DRIVER_NOT_LOADED);
        }
        if (stub_load_fixture(path, &host) != 0) {
            LEAVE(NVML_ERROR_DRIVER_NOT_LOADED);
        }
        host.init_time = stub_monotonic_seconds();
    }
    nvmlReturn_t fault = injected("nvmlInitWithFlags", -1);
    if (fault != NVML_SUCCESS) {
        LEAVE(fault);
    }
    init_count++;
    LEAVE(NVML_SUCCESS);
}

API nvmlReturn_t nvmlInit_v2(void)
{
    return nvmlInitWithFlags(0);
}

API nvmlReturn_t nvmlShutdown(void)
{
    pthread_mutex_lock(&lock);
    if (init_count == 0) {
        LEAVE(NVML_ERROR_UNINITIALIZED);
    }
    init_count--;
    LEAVE(NVML_SUCCESS);
}

API const char *nvmlErrorString(nvmlReturn_t result)
{
    switch (result) {
    case NVML_SUCCESS: return "Success";
    case NVML_ERROR_UNINITIALIZED: return "Uninitialized";
    case NVML_ERROR_INVALID_ARGUMENT: return "Invalid Argument";
    case NVML_ERROR_NOT_SUPPORTED: return "Not Supported";
    case NVML_ERROR_NO_PERMISSION: return "Insufficient Permissions";
    case NVML_ERROR_NOT_FOUND: return "Not Found";
    case NVML_ERROR_INSUFFICIENT_SIZE: return "Insufficient Size";
    case NVML_ERROR_DRIVER_NOT_LOADED: return "Driver Not Loaded";
    case NVML_ERROR_TIMEOUT: return "Timeout";
    case NVML_ERROR_GPU_IS_LOST: return "GPU is lost";
    case NVML_ERROR_RESET_REQUIRED: return "GPU requires reset";
    case NVML_ERROR_IN_USE: return "In use by another client";
    case NVML_ERROR_NO_DATA: return "No data";
    case NVML_ERROR_ARGUMENT_VERSION_MISMATCH: return "Argument version mismatch";
    default: return "Unknown Error";
    }
}

/* ---- discovery and identity ------------------------------------------------------------------- */

API nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int *count)
{
    ENTER("nvmlDeviceGetCount_v2");
    if (!count) {
        LEAVE(NVML_ERROR_INVALID_ARGUMENT);
    }
    *count = (unsigned int)host.gpu_count;
    LEAVE(NVML_SUCCESS);
}

API nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int index, nvmlDevice_t *device)
{
    ENTER("nvmlDeviceGetHandleByIndex_v2");
    if (!device || index >= (unsigned int)host.gpu_count) {
        LEAVE(NVML_ERROR_INVALID_ARGUMENT);
    }
    nvmlReturn_t fault = injected("nvmlDeviceGetHandleByIndex_v2", (int)index);
    if (fault != NVML_SUCCESS) {
        LEAVE(fault);
    }
    *device = &host.gpus[index].handle;
    LEAVE(NVML_SUCCESS);
}

API nvmlReturn_t nvmlDeviceGetUUID(nvmlDevice_t device, char *uuid, unsigned int length)
{
    ENTER_GPU("nvmlDeviceGetUUID", device, g);
    struct nvmlGpuInstance_st *gi = mig_instance(device);
    LEAVE(copy_text(uuid, length, gi ? gi->uuid : g->uuid));
}

API nvmlReturn_t nvmlDeviceGetName(nvmlDevice_t device, char *name, unsigned int length)
{
    ENTER_GPU("nvmlDeviceGetName", device, g);
    LEAVE(copy_text(name, length, g->name));
}

API nvmlReturn_t nvmlDeviceGetPciInfo_v3(nvmlDevice_t device, nvmlPciInfo_t *pci)
{
    ENTER_GPU("nvmlDeviceGetPciInfo_v3", device, g);
    if (!pci) {
        LEAVE(NVML_ERROR_INVALID_ARGUMENT);
    }
    memset(pci, 0, sizeof *pci);
    const char *legacy = strlen(g->pci) > 4 ? g->pci + 4 : g->pci;
    memcpy(pci->busId, g->pci, bounded(strlen(g->pci), sizeof pci->busId - 1));
    /* The legacy form drops the upper domain digits: 00000000:17:00.0 -> 0000:17:00.0 */
    memcpy(pci->busIdLegacy, legacy, bounded(strlen(legacy), sizeof pci->busIdLegacy - 1));
    unsigned int domain = 0, bus = 0, dev = 0;
    sscanf(g->pci, "%x:%x:%x", &domain, &bus, &dev);
    pci->domain = domain;
    pci->bus = bus;
    pci->device = dev;
    pci->pciDeviceId = 0x233010DEU;
    LEAVE(NVML_SUCCESS);
}

API nvmlReturn_t nvmlDeviceGetSerial(nvmlDevice_t device, char *serial, unsigned int length)
{
    ENTER_GPU("nvmlDeviceGetSerial", device, g);
    if (!g->serial[0]) {
        LEAVE(NVML_ERROR_NOT_SUPPORTED);
    }
    LEAVE(copy_text(serial, length, g->serial));
}

API nvmlReturn_t nvmlDeviceGetMinorNumber(nvmlDevice_t device, unsigned int *minor)
{
    ENTER_GPU("nvmlDeviceGetMinorNumber", device, g);
    if (!minor) {
        LEAVE(NVML_ERROR_INVALID_ARGUMENT);
    }
    *minor = g->minor;
    LEAVE(NVML_SUCCESS);
}

API nvmlReturn_t nvmlDeviceGetVirtualizationMode(nvmlDevice_t device, int *mode)
{
    ENTER_GPU("nvmlDeviceGetVirtualizationMode", device, g);
    if (!mode) {
        LEAVE(NVML_ERROR_INVALID_ARGUMENT);
    }
    *mode = g->virt;
    LEAVE(NVML_SUCCESS);
}

/* ---- device readings -------------------------------------------------------------------------- */

API nvmlReturn_t nvmlDeviceGetMemoryInfo_v2(nvmlDevice_t device, nvmlMemory_v2_t *memory)
{
    ENTER_GPU("nvmlDeviceGetMemoryInfo_v2", device, g);
    if (!memory) {
        LEAVE(NVML_ERROR_INVALID_ARGUMENT);
    }
    if (memory->version != nvmlMemory_v2) {
        LEAVE(NVML_ERROR_ARGUMENT_VERSION_MISMATCH);
    }
    const unsigned long long MiB = 1ULL << 20;
    struct nvmlGpuInstance_st *gi = mig_instance(device);
    if (gi) {
        struct stub_profile *p = profile_by_id(g, gi->profile_id);
        memory->total = (p ? p->info.memorySizeMB : 0) * MiB;
        memory->reserved = 0;
        memory->used = used_mib(g, (int)gi->id) * MiB;
    } else {
        memory->total = g->memory_mib * MiB;
        memory->reserved = g->reserved_mib * MiB;
        memory->used = used_mib(g, -1) * MiB;
    }
    memory->free = memory->total > memory->used + memory->reserved ? memory->total - memory->used - memory->reserved : 0;
    LEAVE(NVML_SUCCESS);
}

API nvmlReturn_t nvmlDeviceGetUtilizationRates(nvmlDevice_t device, nvmlUtilization_t *utilization)
{
    ENTER_GPU("nvmlDeviceGetUtilizationRates", device, g);
    if (!utilization) {
        LEAVE(NVML_ERROR_INVALID_ARGUMENT);
    }
    /* As on real hardware: no whole-device utilization while MIG is enabled. */
    if (g->mig || mig_instance(device)) {
        LEAVE(NVML_ERROR_NOT_SUPPORTED);
    }
    unsigned int sm = g->sm_util;
    for (int i = 0; i < g->proc_count; i++) {
        if (g->procs[i].real && process_visible(g, &g->procs[i])) {
            sm += real_share(&g->procs[i]);
        }
    }
    utilization->gpu = sm > 100 ? 100 : sm;
    utilization->memory = g->mem_util;
    LEAVE(NVML_SUCCESS);
}

API nvmlReturn_t nvmlDeviceGetClockInfo(nvmlDevice_t device, int type, unsigned int *clock)
{
    ENTER_GPU("nvmlDeviceGetClockInfo", device, g);
    if (!clock || type < 0 || type > 3) {
        LEAVE(NVML_ERROR_INVALID_ARGUMENT);
    }
    unsigned int sm = g->sm_clock;
    if (g->locked_max && sm > g->locked_max) {
        sm = g->locked_max;
    }
    *clock = type == 2 ? g->mem_clock : sm;
    LEAVE(NVML_SUCCESS);
}

API nvmlReturn_t nvmlDeviceGetMaxClockInfo(nvmlDevice_t device, int type, unsigned int *clock)
{
    ENTER_GPU("nvmlDeviceGetMaxClockInfo", device, g);
    if (!clock || type < 0 || type > 3) {
        LEAVE(NVML_ERROR_INVALID_ARGUMENT);
    }
    *clock = type == 2 ? g->mem_clock : g->sm_clock_max;
    LEAVE(NVML_SUCCESS);
}

API nvmlReturn_t nvmlDeviceGetPowerUsage(nvmlDevice_t device, unsigned int *power)
{
    ENTER_GPU("nvmlDeviceGetPowerUsage", device, g);
    if (!power) {
        LEAVE(NVML_ERROR_INVALID_ARGUMENT);
    }
    *power = g->power_mw < g->power_limit_mw ? g->power_mw : g->power_limit_mw;
    LEAVE(NVML_SUCCESS);
}

API nvmlReturn_t nvmlDeviceGetPowerManagementLimit(nvmlDevice_t device, unsigned int *limit)
{
    ENTER_GPU("nvmlDeviceGetPowerManagementLimit", device, g);
    if (!limit) {
        LEAVE(NVML_ERROR_INVALID_ARGUMENT);
    }
    *limit = g->power_limit_mw;
    LEAVE(NVML_SUCCESS);
}

API nvmlReturn_t nvmlDeviceGetEnforcedPowerLimit(nvmlDevice_t device, unsigned int *limit)
{
    ENTER_GPU("nvmlDeviceGetEnforcedPowerLimit", device, g);
    if (!limit) {
        LEAVE(NVML_ERROR_INVALID_ARGUMENT);
    }
    *limit = g->power_limit_mw;
    LEAVE(NVML_SUCCESS);
}

API nvmlReturn_t nvmlDeviceGetTotalEnergyConsumption(nvmlDevice_t device, unsigned long long *energy)
{
    ENTER_GPU("nvmlDeviceGetTotalEnergyConsumption", device, g);
    if (!energy) {
        LEAVE(NVML_ERROR_INVALID_ARGUMENT);
    }
    /* Energy grows with the draw over the time since init, so the counter moves like a real one. */
    double seconds = stub_monotonic_seconds() - host.init_time;
    *energy = g->energy_mj + (unsigned long long)(g->power_mw * seconds);
    LEAVE(NVML_SUCCESS);
}

API nvmlReturn_t nvmlDeviceGetTemperatureV(nvmlDevice_t device, nvmlTemperature_v1_t *temperature)
{
    ENTER_GPU("nvmlDeviceGetTemperatureV", device, g);
    if (!temperature) {
        LEAVE(NVML_ERROR_INVALID_ARGUMENT);
    }
    if (temperature->version != nvmlTemperature_v1) {
        LEAVE(NVML_ERROR_ARGUMENT_VERSION_MISMATCH);
    }
    if (temperature->sensorType != 0) {
        LEAVE(NVML_ERROR_INVALID_ARGUMENT);
    }
    temperature->temperature = g->temp;
    LEAVE(NVML_SUCCESS);
}

API nvmlReturn_t nvmlDeviceGetComputeMode(nvmlDevice_t device, int *mode)
{
    ENTER_GPU("nvmlDeviceGetComputeMode", device, g);
    if (!mode) {
        LEAVE(NVML_ERROR_INVALID_ARGUMENT);
    }
    *mode = g->compute_mode;
    LEAVE(NVML_SUCCESS);
}

/* ---- health ----------------------------------------------------------------------------------- */

API nvmlReturn_t nvmlDeviceGetCurrentClocksEventReasons(nvmlDevice_t device, unsigned long long *reasons)
{
    ENTER_GPU("nvmlDeviceGetCurrentClocksEventReasons", device, g);
    if (!reasons) {
        LEAVE(NVML_ERROR_INVALID_ARGUMENT);
    }
    /* Locked clocks show as the applications-clocks-setting reason. */
    *reasons = g->clock_reasons | (g->locked_max ? 0x2ULL : 0);
    LEAVE(NVML_SUCCESS);
}

API nvmlReturn_t nvmlDeviceGetTotalEccErrors(nvmlDevice_t device, int errorType, int counterType, unsigned long long *count)
{
    ENTER_GPU("nvmlDeviceGetTotalEccErrors", device, g);
    if (!count || errorType < 0 || errorType > 1 || counterType < 0 || counterType > 1) {
        LEAVE(NVML_ERROR_INVALID_ARGUMENT);
    }
    *count = errorType == 0 ? g->ecc_corrected : g->ecc_uncorrected;
    LEAVE(NVML_SUCCESS);
}

API nvmlReturn_t nvmlDeviceGetRemappedRows(nvmlDevice_t device, unsigned int *corr, unsigned int *unc, unsigned int *pending, unsigned int *failed)
{
    ENTER_GPU("nvmlDeviceGetRemappedRows", device, g);
    if (!corr || !unc || !pending || !failed) {
        LEAVE(NVML_ERROR_INVALID_ARGUMENT);
    }
    *corr = g->remap_correctable;
    *unc = g->remap_uncorrectable;
    *pending = g->remap_pending;
    *failed = g->remap_failed;
    LEAVE(NVML_SUCCESS);
}

API nvmlReturn_t nvmlDeviceGetPcieThroughput(nvmlDevice_t device, int counter, unsigned int *value)
{
    ENTER_GPU("nvmlDeviceGetPcieThroughput", device, g);
    if (!value || counter < 0 || counter > 1) {
        LEAVE(NVML_ERROR_INVALID_ARGUMENT);
    }
    *value = counter == 0 ? g->pcie_tx : g->pcie_rx;
    LEAVE(NVML_SUCCESS);
}

/* ---- events ----------------------------------------------------------------------------------- */

API nvmlReturn_t nvmlEventSetCreate(nvmlEventSet_t *set)
{
    ENTER("nvmlEventSetCreate");
    if (!set) {
        LEAVE(NVML_ERROR_INVALID_ARGUMENT);
    }
    *set = calloc(1, sizeof **set);
    LEAVE(*set ? NVML_SUCCESS : NVML_ERROR_MEMORY);
}

API nvmlReturn_t nvmlDeviceRegisterEvents(nvmlDevice_t device, unsigned long long types, nvmlEventSet_t set)
{
    ENTER_GPU("nvmlDeviceRegisterEvents", device, g);
    if (!set || !physical(device)) {
        LEAVE(NVML_ERROR_INVALID_ARGUMENT);
    }
    if (types & ~nvmlEventTypeXidCriticalError) {
        LEAVE(NVML_ERROR_NOT_SUPPORTED);
    }
    set->registered[g->index] |= types;
    LEAVE(NVML_SUCCESS);
}

API nvmlReturn_t nvmlEventSetWait_v2(nvmlEventSet_t set, nvmlEventData_t *data, unsigned int timeoutms)
{
    double deadline = stub_monotonic_seconds() + timeoutms / 1000.0;
    for (;;) {
        ENTER("nvmlEventSetWait_v2");
        if (!set || !data) {
            LEAVE(NVML_ERROR_INVALID_ARGUMENT);
        }
        double elapsed_ms = (stub_monotonic_seconds() - host.init_time) * 1000.0;
        for (int i = 0; i < host.xid_count; i++) {
            struct stub_xid *x = &host.xids[i];
            if (!x->delivered && x->after_ms <= elapsed_ms && (set->registered[x->gpu] & nvmlEventTypeXidCriticalError)) {
                x->delivered = 1;
                memset(data, 0, sizeof *data);
                data->device = &host.gpus[x->gpu].handle;
                data->eventType = nvmlEventTypeXidCriticalError;
                data->eventData = x->code;
                data->gpuInstanceId = 0xFFFFFFFFU;
                data->computeInstanceId = 0xFFFFFFFFU;
                LEAVE(NVML_SUCCESS);
            }
        }
        pthread_mutex_unlock(&lock);
        if (stub_monotonic_seconds() >= deadline) {
            return NVML_ERROR_TIMEOUT;
        }
        struct timespec nap = {0, 10 * 1000 * 1000};
        nanosleep(&nap, NULL);
    }
}

API nvmlReturn_t nvmlEventSetFree(nvmlEventSet_t set)
{
    ENTER("nvmlEventSetFree");
    free(set);
    LEAVE(NVML_SUCCESS);
}

/* ---- MIG -------------------------------------------------------------------------------------- */

API nvmlReturn_t nvmlDeviceGetMigMode(nvmlDevice_t device, unsigned int *current, unsigned int *pending)
{
    ENTER_GPU("nvmlDeviceGetMigMode", device, g);
    if (!current || !pending) {
        LEAVE(NVML_ERROR_INVALID_ARGUMENT);
    }
    if (g->profile_count == 0) {
        LEAVE(NVML_ERROR_NOT_SUPPORTED);
    }
    *current = (unsigned int)g->mig;
    *pending = (unsigned int)g->mig;
    LEAVE(NVML_SUCCESS);
}

API nvmlReturn_t nvmlDeviceGetMaxMigDeviceCount(nvmlDevice_t device, unsigned int *count)
{
    ENTER_GPU("nvmlDeviceGetMaxMigDeviceCount", device, g);
    if (!count) {
        LEAVE(NVML_ERROR_INVALID_ARGUMENT);
    }
    if (g->profile_count == 0) {
        LEAVE(NVML_ERROR_NOT_SUPPORTED);
    }
    *count = g->mig ? 7 : 0;
    LEAVE(NVML_SUCCESS);
}

API nvmlReturn_t nvmlDeviceGetMigDeviceHandleByIndex(nvmlDevice_t device, unsigned int index, nvmlDevice_t *mig)
{
    ENTER_GPU("nvmlDeviceGetMigDeviceHandleByIndex", device, g);
    if (!mig || !physical(device) || !g->mig || index >= 7) {
        LEAVE(NVML_ERROR_INVALID_ARGUMENT);
    }
    if (index >= (unsigned int)g->gi_count) {
        LEAVE(NVML_ERROR_NOT_FOUND);
    }
    *mig = &g->mig_handles[index];
    LEAVE(NVML_SUCCESS);
}

API nvmlReturn_t nvmlDeviceGetGpuInstanceId(nvmlDevice_t device, unsigned int *id)
{
    ENTER_GPU("nvmlDeviceGetGpuInstanceId", device, g);
    struct nvmlGpuInstance_st *gi = mig_instance(device);
    if (!id || !gi) {
        LEAVE(NVML_ERROR_INVALID_ARGUMENT);
    }
    *id = gi->id;
    LEAVE(NVML_SUCCESS);
}

API nvmlReturn_t nvmlDeviceGetComputeInstanceId(nvmlDevice_t device, unsigned int *id)
{
    ENTER_GPU("nvmlDeviceGetComputeInstanceId", device, g);
    struct nvmlGpuInstance_st *gi = mig_instance(device);
    if (!id || !gi) {
        LEAVE(NVML_ERROR_INVALID_ARGUMENT);
    }
    *id = gi->ci.id;
    LEAVE(NVML_SUCCESS);
}

API nvmlReturn_t nvmlDeviceGetDeviceHandleFromMigDeviceHandle(nvmlDevice_t mig, nvmlDevice_t *device)
{
    ENTER_GPU("nvmlDeviceGetDeviceHandleFromMigDeviceHandle", mig, g);
    if (!device || !mig_instance(mig)) {
        LEAVE(NVML_ERROR_INVALID_ARGUMENT);
    }
    *device = &g->handle;
    LEAVE(NVML_SUCCESS);
}

API nvmlReturn_t nvmlDeviceGetGpuInstanceProfileInfo(nvmlDevice_t device, unsigned int profile, nvmlGpuInstanceProfileInfo_t *info)
{
    ENTER_GPU("nvmlDeviceGetGpuInstanceProfileInfo", device, g);
    if (!info || profile >= NVML_GPU_INSTANCE_PROFILE_COUNT) {
        LEAVE(NVML_ERROR_INVALID_ARGUMENT);
    }
    if (g->profile_count == 0) {
        LEAVE(NVML_ERROR_NOT_SUPPORTED);
    }
    for (int i = 0; i < g->profile_count; i++) {
        if (g->profiles[i].profile_enum == profile) {
            *info = g->profiles[i].info;
            LEAVE(NVML_SUCCESS);
        }
    }
    LEAVE(NVML_ERROR_NOT_SUPPORTED);
}

API nvmlReturn_t nvmlDeviceGetGpuInstanceById(nvmlDevice_t device, unsigned int id, nvmlGpuInstance_t *gpuInstance)
{
    ENTER_GPU("nvmlDeviceGetGpuInstanceById", device, g);
    if (!gpuInstance || !physical(device)) {
        LEAVE(NVML_ERROR_INVALID_ARGUMENT);
    }
    if (!g->mig) {
        LEAVE(NVML_ERROR_NOT_SUPPORTED);
    }
    for (int i = 0; i < g->gi_count; i++) {
        if (g->gis[i].id == id) {
            *gpuInstance = &g->gis[i];
            LEAVE(NVML_SUCCESS);
        }
    }
    LEAVE(NVML_ERROR_NOT_FOUND);
}

API nvmlReturn_t nvmlGpuInstanceGetInfo(nvmlGpuInstance_t gpuInstance, nvmlGpuInstanceInfo_t *info)
{
    ENTER("nvmlGpuInstanceGetInfo");
    if (!gpuInstance || !info) {
        LEAVE(NVML_ERROR_INVALID_ARGUMENT);
    }
    info->device = &gpuInstance->gpu->handle;
    info->id = gpuInstance->id;
    info->profileId = gpuInstance->profile_id;
    info->placement.start = gpuInstance->start;
    info->placement.size = gpuInstance->size;
    LEAVE(NVML_SUCCESS);
}

API nvmlReturn_t nvmlGpuInstanceGetComputeInstanceById(nvmlGpuInstance_t gpuInstance, unsigned int id, nvmlComputeInstance_t *computeInstance)
{
    ENTER("nvmlGpuInstanceGetComputeInstanceById");
    if (!gpuInstance || !computeInstance) {
        LEAVE(NVML_ERROR_INVALID_ARGUMENT);
    }
    if (gpuInstance->ci.id != id) {
        LEAVE(NVML_ERROR_NOT_FOUND);
    }
    *computeInstance = &gpuInstance->ci;
    LEAVE(NVML_SUCCESS);
}

API nvmlReturn_t nvmlComputeInstanceGetInfo_v2(nvmlComputeInstance_t computeInstance, nvmlComputeInstanceInfo_t *info)
{
    ENTER("nvmlComputeInstanceGetInfo_v2");
    if (!computeInstance || !info) {
        LEAVE(NVML_ERROR_INVALID_ARGUMENT);
    }
    struct nvmlGpuInstance_st *gi = computeInstance->gi;
    struct stub_profile *p = profile_by_id(gi->gpu, gi->profile_id);
    info->device = &gi->gpu->handle;
    info->gpuInstance = gi;
    info->id = computeInstance->id;
    info->profileId = 0;
    info->placement.start = 0;
    info->placement.size = p ? p->info.sliceCount : 1;
    LEAVE(NVML_SUCCESS);
}

/* ---- GPM -------------------------------------------------------------------------------------- */

API nvmlReturn_t nvmlGpmQueryDeviceSupport(nvmlDevice_t device, nvmlGpmSupport_t *support)
{
    ENTER_GPU("nvmlGpmQueryDeviceSupport", device, g);
    if (!support) {
        LEAVE(NVML_ERROR_INVALID_ARGUMENT);
    }
    if (support->version != NVML_GPM_SUPPORT_VERSION) {
        LEAVE(NVML_ERROR_ARGUMENT_VERSION_MISMATCH);
    }
    support->isSupportedDevice = (unsigned int)g->gpm;
    LEAVE(NVML_SUCCESS);
}

API nvmlReturn_t nvmlGpmSampleAlloc(nvmlGpmSample_t *sample)
{
    ENTER("nvmlGpmSampleAlloc");
    if (!sample) {
        LEAVE(NVML_ERROR_INVALID_ARGUMENT);
    }
    *sample = calloc(1, sizeof **sample);
    LEAVE(*sample ? NVML_SUCCESS : NVML_ERROR_MEMORY);
}

API nvmlReturn_t nvmlGpmSampleFree(nvmlGpmSample_t sample)
{
    ENTER("nvmlGpmSampleFree");
    free(sample);
    LEAVE(NVML_SUCCESS);
}

API nvmlReturn_t nvmlGpmMigSampleGet(nvmlDevice_t device, unsigned int gpuInstanceId, nvmlGpmSample_t sample)
{
    ENTER_GPU("nvmlGpmMigSampleGet", device, g);
    if (!sample || !physical(device)) {
        LEAVE(NVML_ERROR_INVALID_ARGUMENT);
    }
    if (!g->gpm || !g->mig) {
        LEAVE(NVML_ERROR_NOT_SUPPORTED);
    }
    sample->gpu = g->index;
    sample->gi = gpuInstanceId;
    sample->ts = stub_realtime_micros();
    sample->taken = 1;
    LEAVE(NVML_SUCCESS);
}

API nvmlReturn_t nvmlGpmMetricsGet(nvmlGpmMetricsGet_t *metrics)
{
    ENTER("nvmlGpmMetricsGet");
    if (!metrics) {
        LEAVE(NVML_ERROR_INVALID_ARGUMENT);
    }
    if (metrics->version != NVML_GPM_METRICS_GET_VERSION) {
        LEAVE(NVML_ERROR_ARGUMENT_VERSION_MISMATCH);
    }
    nvmlGpmSample_t a = metrics->sample1, b = metrics->sample2;
    if (!a || !b || !a->taken || !b->taken || a->gpu != b->gpu || a->gi != b->gi || metrics->numMetrics > NVML_GPM_METRIC_MAX) {
        LEAVE(NVML_ERROR_INVALID_ARGUMENT);
    }
    struct stub_gpu *g = &host.gpus[a->gpu];
    struct nvmlGpuInstance_st *gi = NULL;
    for (int i = 0; i < g->gi_count; i++) {
        if (g->gis[i].id == a->gi) {
            gi = &g->gis[i];
        }
    }
    for (unsigned int i = 0; i < metrics->numMetrics; i++) {
        nvmlGpmMetric_t *m = &metrics->metrics[i];
        m->nvmlReturn = NVML_SUCCESS;
        switch (m->metricId) {
        case NVML_GPM_METRIC_SM_UTIL:
        case NVML_GPM_METRIC_SM_OCCUPANCY:
            m->value = gi ? gi->sm_util : 0;
            break;
        case NVML_GPM_METRIC_DRAM_BW_UTIL:
            m->value = gi ? gi->dram_util : 0;
            break;
        default:
            m->nvmlReturn = NVML_ERROR_NOT_SUPPORTED;
            m->value = 0;
        }
        m->metricInfo.shortName = NULL;
        m->metricInfo.longName = NULL;
        m->metricInfo.unit = NULL;
    }
    LEAVE(NVML_SUCCESS);
}

/* ---- processes -------------------------------------------------------------------------------- */

API nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v3(nvmlDevice_t device, unsigned int *count, nvmlProcessInfo_t *infos)
{
    ENTER_GPU("nvmlDeviceGetComputeRunningProcesses_v3", device, g);
    if (!count) {
        LEAVE(NVML_ERROR_INVALID_ARGUMENT);
    }
    g->process_calls++;
    struct nvmlGpuInstance_st *gi = mig_instance(device);
    unsigned int needed = 0;
    for (int i = 0; i < g->proc_count; i++) {
        if (process_visible(g, &g->procs[i]) && (!gi || g->procs[i].gi == gi->id)) {
            needed++;
        }
    }
    if (*count < needed || (needed > 0 && !infos)) {
        *count = needed;
        LEAVE(NVML_ERROR_INSUFFICIENT_SIZE);
    }
    unsigned int n = 0;
    for (int i = 0; i < g->proc_count; i++) {
        struct stub_process *p = &g->procs[i];
        if (process_visible(g, p) && (!gi || p->gi == gi->id)) {
            infos[n].pid = p->pid;
            infos[n].usedGpuMemory = p->memory_mib << 20;
            infos[n].gpuInstanceId = p->gi;
            infos[n].computeInstanceId = p->ci;
            n++;
        }
    }
    *count = n;
    LEAVE(NVML_SUCCESS);
}

API nvmlReturn_t nvmlDeviceGetProcessUtilization(nvmlDevice_t device, nvmlProcessUtilizationSample_t *samples, unsigned int *count, unsigned long long lastSeen)
{
    ENTER_GPU("nvmlDeviceGetProcessUtilization", device, g);
    if (!count) {
        LEAVE(NVML_ERROR_INVALID_ARGUMENT);
    }
    /* Real NVML: per-process utilization is not available on MIG. */
    if (g->mig || mig_instance(device) || !g->proc_util) {
        LEAVE(NVML_ERROR_NOT_SUPPORTED);
    }
    /* The driver takes a sample per process at most every 100 ms and keeps a short history. */
    unsigned long long now = stub_realtime_micros();
    unsigned int needed = 0;
    for (int i = 0; i < g->proc_count; i++) {
        struct stub_process *p = &g->procs[i];
        if (!p->sampled || !process_visible(g, p)) {
            continue;
        }
        if (p->sample_count == 0 || now - p->samples[p->sample_count - 1].ts >= 100000ULL) {
            if (p->sample_count == MAX_SAMPLES) {
                memmove(p->samples, p->samples + 1, sizeof p->samples[0] * (MAX_SAMPLES - 1));
                p->sample_count--;
            }
            unsigned int sm = p->real ? real_share(p) : p->sm + p->sm_step * p->generated;
            struct stub_sample s = {.ts = now, .sm = sm > 100 ? 100 : sm, .mem = p->mem};
            p->generated++;
            p->samples[p->sample_count++] = s;
        }
        for (int k = 0; k < p->sample_count; k++) {
            if (p->samples[k].ts > lastSeen) {
                needed++;
            }
        }
    }
    if (needed == 0) {
        *count = 0;
        LEAVE(NVML_ERROR_NOT_FOUND);
    }
    if (!samples || *count < needed) {
        *count = needed;
        LEAVE(NVML_ERROR_INSUFFICIENT_SIZE);
    }
    unsigned int n = 0;
    for (int i = 0; i < g->proc_count; i++) {
        struct stub_process *p = &g->procs[i];
        if (!p->sampled || !process_visible(g, p)) {
            continue;
        }
        for (int k = 0; k < p->sample_count; k++) {
            if (p->samples[k].ts > lastSeen) {
                samples[n].pid = p->pid;
                samples[n].timeStamp = p->samples[k].ts;
                samples[n].smUtil = p->samples[k].sm;
                samples[n].memUtil = p->samples[k].mem;
                samples[n].encUtil = 0;
                samples[n].decUtil = 0;
                n++;
            }
        }
    }
    *count = n;
    LEAVE(NVML_SUCCESS);
}

API nvmlReturn_t nvmlSystemGetProcessName(unsigned int pid, char *name, unsigned int length)
{
    ENTER("nvmlSystemGetProcessName");
    for (int i = 0; i < host.gpu_count; i++) {
        for (int k = 0; k < host.gpus[i].proc_count; k++) {
            struct stub_process *p = &host.gpus[i].procs[k];
            if (p->pid == pid && p->name[0]) {
                LEAVE(copy_text(name, length, p->name));
            }
        }
    }
    LEAVE(NVML_ERROR_NOT_FOUND);
}

/* ---- vGPU ------------------------------------------------------------------------------------- */

API nvmlReturn_t nvmlDeviceGetActiveVgpus(nvmlDevice_t device, unsigned int *count, nvmlVgpuInstance_t *instances)
{
    ENTER_GPU("nvmlDeviceGetActiveVgpus", device, g);
    if (!count) {
        LEAVE(NVML_ERROR_INVALID_ARGUMENT);
    }
    if (g->virt != NVML_GPU_VIRTUALIZATION_MODE_HOST_VGPU) {
        LEAVE(NVML_ERROR_NOT_SUPPORTED);
    }
    if (*count < (unsigned int)g->vgpu_count || (g->vgpu_count > 0 && !instances)) {
        *count = (unsigned int)g->vgpu_count;
        LEAVE(NVML_ERROR_INSUFFICIENT_SIZE);
    }
    for (int i = 0; i < g->vgpu_count; i++) {
        instances[i] = g->vgpus[i].id;
    }
    *count = (unsigned int)g->vgpu_count;
    LEAVE(NVML_SUCCESS);
}

API nvmlReturn_t nvmlVgpuInstanceGetType(nvmlVgpuInstance_t instance, nvmlVgpuTypeId_t *type)
{
    ENTER("nvmlVgpuInstanceGetType");
    struct stub_gpu *g;
    struct stub_vgpu *v = vgpu_by_id(instance, &g);
    if (!v || !type) {
        LEAVE(NVML_ERROR_INVALID_ARGUMENT);
    }
    nvmlReturn_t fault = injected("nvmlVgpuInstanceGetType", g->index);
    if (fault != NVML_SUCCESS) {
        LEAVE(fault);
    }
    *type = v->type_id;
    LEAVE(NVML_SUCCESS);
}

API nvmlReturn_t nvmlVgpuTypeGetName(nvmlVgpuTypeId_t type, char *name, unsigned int *size)
{
    ENTER("nvmlVgpuTypeGetName");
    struct stub_gpu *g;
    struct stub_vgpu *v = vgpu_type(type, &g);
    if (!v || !size) {
        LEAVE(NVML_ERROR_INVALID_ARGUMENT);
    }
    unsigned int needed = (unsigned int)strlen(v->type) + 1;
    if (!name || *size < needed) {
        *size = needed;
        LEAVE(NVML_ERROR_INSUFFICIENT_SIZE);
    }
    memcpy(name, v->type, needed);
    *size = needed;
    LEAVE(NVML_SUCCESS);
}

API nvmlReturn_t nvmlVgpuTypeGetFramebufferSize(nvmlVgpuTypeId_t type, unsigned long long *size)
{
    ENTER("nvmlVgpuTypeGetFramebufferSize");
    struct stub_gpu *g;
    struct stub_vgpu *v = vgpu_type(type, &g);
    if (!v || !size) {
        LEAVE(NVML_ERROR_INVALID_ARGUMENT);
    }
    *size = v->fb_mib << 20;
    LEAVE(NVML_SUCCESS);
}

API nvmlReturn_t nvmlVgpuInstanceGetVmID(nvmlVgpuInstance_t instance, char *vmId, unsigned int size, int *vmIdType)
{
    ENTER("nvmlVgpuInstanceGetVmID");
    struct stub_gpu *g;
    struct stub_vgpu *v = vgpu_by_id(instance, &g);
    if (!v || !vmIdType) {
        LEAVE(NVML_ERROR_INVALID_ARGUMENT);
    }
    *vmIdType = 1;
    LEAVE(copy_text(vmId, size, v->vm));
}

API nvmlReturn_t nvmlVgpuInstanceGetFbUsage(nvmlVgpuInstance_t instance, unsigned long long *usage)
{
    ENTER("nvmlVgpuInstanceGetFbUsage");
    struct stub_gpu *g;
    struct stub_vgpu *v = vgpu_by_id(instance, &g);
    if (!v || !usage) {
        LEAVE(NVML_ERROR_INVALID_ARGUMENT);
    }
    nvmlReturn_t fault = injected("nvmlVgpuInstanceGetFbUsage", g->index);
    if (fault != NVML_SUCCESS) {
        LEAVE(fault);
    }
    *usage = v->fb_used_mib << 20;
    LEAVE(NVML_SUCCESS);
}

API nvmlReturn_t nvmlDeviceGetVgpuUtilization(nvmlDevice_t device, unsigned long long lastSeen, int *valueType, unsigned int *count, nvmlVgpuInstanceUtilizationSample_t *samples)
{
    ENTER_GPU("nvmlDeviceGetVgpuUtilization", device, g);
    if (!count || !valueType) {
        LEAVE(NVML_ERROR_INVALID_ARGUMENT);
    }
    if (g->virt != NVML_GPU_VIRTUALIZATION_MODE_HOST_VGPU) {
        LEAVE(NVML_ERROR_NOT_SUPPORTED);
    }
    (void)lastSeen;
    if (!samples || *count < (unsigned int)g->vgpu_count) {
        *count = (unsigned int)g->vgpu_count;
        LEAVE(NVML_ERROR_INSUFFICIENT_SIZE);
    }
    unsigned long long now = stub_realtime_micros();
    *valueType = NVML_VALUE_TYPE_UNSIGNED_INT;
    for (int i = 0; i < g->vgpu_count; i++) {
        struct stub_vgpu *v = &g->vgpus[i];
        memset(&samples[i], 0, sizeof samples[i]);
        samples[i].vgpuInstance = v->id;
        samples[i].timeStamp = now;
        samples[i].smUtil.uiVal = v->sm;
        samples[i].memUtil.uiVal = v->mem;
        samples[i].encUtil.uiVal = v->enc;
        samples[i].decUtil.uiVal = v->dec;
    }
    *count = (unsigned int)g->vgpu_count;
    LEAVE(NVML_SUCCESS);
}

API nvmlReturn_t nvmlDeviceGetVgpuSchedulerState(nvmlDevice_t device, nvmlVgpuSchedulerGetState_t *state)
{
    ENTER_GPU("nvmlDeviceGetVgpuSchedulerState", device, g);
    if (!state) {
        LEAVE(NVML_ERROR_INVALID_ARGUMENT);
    }
    if (g->virt != NVML_GPU_VIRTUALIZATION_MODE_HOST_VGPU) {
        LEAVE(NVML_ERROR_NOT_SUPPORTED);
    }
    memset(state, 0, sizeof *state);
    state->schedulerPolicy = g->vgpu_policy;
    state->arrMode = 0;
    state->avgFactorOrTimeslice = g->vgpu_timeslice_ns;
    LEAVE(NVML_SUCCESS);
}

/* ---- control ---------------------------------------------------------------------------------- */

API nvmlReturn_t nvmlDeviceSetGpuLockedClocks(nvmlDevice_t device, unsigned int minMhz, unsigned int maxMhz)
{
    ENTER_GPU("nvmlDeviceSetGpuLockedClocks", device, g);
    nvmlReturn_t result = NVML_SUCCESS;
    if (!physical(device) || minMhz > maxMhz || maxMhz > g->sm_clock_max || minMhz == 0) {
        result = NVML_ERROR_INVALID_ARGUMENT;
    } else {
        g->locked_min = minMhz;
        g->locked_max = maxMhz;
    }
    log_call(result, "nvmlDeviceSetGpuLockedClocks gpu=%d min=%u max=%u", g->index, minMhz, maxMhz);
    LEAVE(result);
}

API nvmlReturn_t nvmlDeviceResetGpuLockedClocks(nvmlDevice_t device)
{
    ENTER_GPU("nvmlDeviceResetGpuLockedClocks", device, g);
    g->locked_min = 0;
    g->locked_max = 0;
    log_call(NVML_SUCCESS, "nvmlDeviceResetGpuLockedClocks gpu=%d", g->index);
    LEAVE(NVML_SUCCESS);
}

API nvmlReturn_t nvmlDeviceSetPowerManagementLimit(nvmlDevice_t device, unsigned int limit)
{
    ENTER_GPU("nvmlDeviceSetPowerManagementLimit", device, g);
    nvmlReturn_t result = NVML_SUCCESS;
    if (limit < g->power_min_mw || limit > g->power_max_mw) {
        result = NVML_ERROR_INVALID_ARGUMENT;
    } else {
        g->power_limit_mw = limit;
    }
    log_call(result, "nvmlDeviceSetPowerManagementLimit gpu=%d limit=%u", g->index, limit);
    LEAVE(result);
}

API nvmlReturn_t nvmlDeviceSetComputeMode(nvmlDevice_t device, int mode)
{
    ENTER_GPU("nvmlDeviceSetComputeMode", device, g);
    nvmlReturn_t result = NVML_SUCCESS;
    if (mode < 0 || mode > 3) {
        result = NVML_ERROR_INVALID_ARGUMENT;
    } else {
        g->compute_mode = mode;
    }
    log_call(result, "nvmlDeviceSetComputeMode gpu=%d mode=%d", g->index, mode);
    LEAVE(result);
}

API nvmlReturn_t nvmlDeviceSetVgpuSchedulerState(nvmlDevice_t device, nvmlVgpuSchedulerSetState_t *state)
{
    ENTER_GPU("nvmlDeviceSetVgpuSchedulerState", device, g);
    nvmlReturn_t result = NVML_SUCCESS;
    if (!state || state->schedulerPolicy < 1 || state->schedulerPolicy > 3) {
        result = NVML_ERROR_INVALID_ARGUMENT;
    } else if (g->virt != NVML_GPU_VIRTUALIZATION_MODE_HOST_VGPU) {
        result = NVML_ERROR_NOT_SUPPORTED;
    } else if (g->vgpu_count > 0) {
        /* NVML accepts a scheduler change only while no VM runs on the GPU. */
        result = NVML_ERROR_IN_USE;
    } else {
        g->vgpu_policy = state->schedulerPolicy;
        g->vgpu_timeslice_ns = state->enableARRMode == 2 ? 0 : state->avgFactorOrTimeslice;
    }
    log_call(result, "nvmlDeviceSetVgpuSchedulerState gpu=%d policy=%u arr=%u timeslice_ns=%u", g->index,
             state ? state->schedulerPolicy : 0, state ? state->enableARRMode : 0, state ? state->avgFactorOrTimeslice : 0);
    LEAVE(result);
}
