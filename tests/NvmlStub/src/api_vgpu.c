/* vGPU instances, types, utilization and scheduler state. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "stub_api.h"

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
