/* MIG devices, GPU and compute instances, profiles, and GPM samples. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "stub_api.h"

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
    g->topology_calls++;
    *count = g->mig ? 7 : 0;
    LEAVE(NVML_SUCCESS);
}

API nvmlReturn_t nvmlDeviceGetMigDeviceHandleByIndex(nvmlDevice_t device, unsigned int index, nvmlDevice_t *mig)
{
    ENTER_GPU("nvmlDeviceGetMigDeviceHandleByIndex", device, g);
    if (!mig || !physical(device) || !g->mig || index >= 7) {
        LEAVE(NVML_ERROR_INVALID_ARGUMENT);
    }
    /* Slots hold the instances present now, in fixture order; the rest are empty. */
    unsigned int slot = 0;
    for (int k = 0; k < g->gi_count; k++) {
        if (gi_present(g, &g->gis[k]) && slot++ == index) {
            *mig = &g->mig_handles[k];
            LEAVE(NVML_SUCCESS);
        }
    }
    LEAVE(NVML_ERROR_NOT_FOUND);
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
        if (g->gis[i].id == id && gi_present(g, &g->gis[i])) {
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
    struct stub_gpu *g = &stub_host_state.gpus[a->gpu];
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
