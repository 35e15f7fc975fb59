/* Control calls: each one is appended to GPUQOS_NVML_STUB_LOG. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "stub_api.h"

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

/* One memory clock, the fixture's mem_clock, as on a GPU whose memory clock does not scale. */
API nvmlReturn_t nvmlDeviceGetSupportedMemoryClocks(nvmlDevice_t device, unsigned int *count, unsigned int *clocksMHz)
{
    ENTER_GPU("nvmlDeviceGetSupportedMemoryClocks", device, g);
    if (!count) {
        LEAVE(NVML_ERROR_INVALID_ARGUMENT);
    }
    unsigned int room = *count;
    *count = 1;
    if (room < 1 || !clocksMHz) {
        LEAVE(NVML_ERROR_INSUFFICIENT_SIZE);
    }
    clocksMHz[0] = g->mem_clock;
    LEAVE(NVML_SUCCESS);
}

/* Graphics clocks from 210 MHz up to the fixture's sm_clock_max, in 15 MHz steps, highest first as NVML lists them. */
#define STUB_SM_CLOCK_MIN 210u
#define STUB_SM_CLOCK_STEP 15u
API nvmlReturn_t nvmlDeviceGetSupportedGraphicsClocks(nvmlDevice_t device, unsigned int memoryClockMHz, unsigned int *count, unsigned int *clocksMHz)
{
    ENTER_GPU("nvmlDeviceGetSupportedGraphicsClocks", device, g);
    if (!count) {
        LEAVE(NVML_ERROR_INVALID_ARGUMENT);
    }
    if (memoryClockMHz != g->mem_clock) {
        LEAVE(NVML_ERROR_NOT_FOUND);
    }
    unsigned int top = g->sm_clock_max < STUB_SM_CLOCK_MIN ? STUB_SM_CLOCK_MIN : g->sm_clock_max;
    unsigned int n = (top - STUB_SM_CLOCK_MIN) / STUB_SM_CLOCK_STEP + 1;
    unsigned int room = *count;
    *count = n;
    if (room < n || !clocksMHz) {
        LEAVE(NVML_ERROR_INSUFFICIENT_SIZE);
    }
    for (unsigned int i = 0; i < n; i++) {
        clocksMHz[i] = i == 0 ? top : top - (top - STUB_SM_CLOCK_MIN) % STUB_SM_CLOCK_STEP - i * STUB_SM_CLOCK_STEP;
    }
    LEAVE(NVML_SUCCESS);
}
