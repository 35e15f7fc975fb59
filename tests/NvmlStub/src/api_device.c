/* Whole-device readings and health counters. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "stub_api.h"

/* A device's or MIG device's memory in bytes: the reservation is the driver's, apart from the processes' use. */
static void device_memory(struct stub_gpu *g, nvmlDevice_t device, unsigned long long *total, unsigned long long *reserved, unsigned long long *used)
{
    const unsigned long long MiB = 1ULL << 20;
    struct nvmlGpuInstance_st *gi = mig_instance(device);
    if (gi) {
        struct stub_profile *p = profile_by_id(g, gi->profile_id);
        *total = (p ? p->info.memorySizeMB : 0) * MiB;
        *reserved = 0;
        *used = used_mib(g, (int)gi->id) * MiB;
    } else {
        *total = g->memory_mib * MiB;
        *reserved = g->reserved_mib * MiB;
        *used = used_mib(g, -1) * MiB;
    }
}

API nvmlReturn_t nvmlDeviceGetMemoryInfo_v2(nvmlDevice_t device, nvmlMemory_v2_t *memory)
{
    ENTER_GPU("nvmlDeviceGetMemoryInfo_v2", device, g);
    if (!memory) {
        LEAVE(NVML_ERROR_INVALID_ARGUMENT);
    }
    if (memory->version != nvmlMemory_v2) {
        LEAVE(NVML_ERROR_ARGUMENT_VERSION_MISMATCH);
    }
    device_memory(g, device, &memory->total, &memory->reserved, &memory->used);
    memory->free = memory->total > memory->used + memory->reserved ? memory->total - memory->used - memory->reserved : 0;
    LEAVE(NVML_SUCCESS);
}

/* The unversioned call (nvmlMemory_t v1) that most clients use: nvml.h defines its used as the sum of the
   reserved and the allocated memory, so v1 used = v2 used + v2 reserved, and free is the same in both. */
API nvmlReturn_t nvmlDeviceGetMemoryInfo(nvmlDevice_t device, nvmlMemory_t *memory)
{
    ENTER_GPU("nvmlDeviceGetMemoryInfo", device, g);
    if (!memory) {
        LEAVE(NVML_ERROR_INVALID_ARGUMENT);
    }
    unsigned long long reserved = 0, allocated = 0;
    device_memory(g, device, &memory->total, &reserved, &allocated);
    memory->used = allocated + reserved;
    memory->free = memory->total > memory->used ? memory->total - memory->used : 0;
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
    double seconds = stub_monotonic_seconds() - stub_host_state.init_time;
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
