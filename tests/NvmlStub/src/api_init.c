/* Initialization, discovery and identity. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "stub_api.h"

API nvmlReturn_t nvmlInitWithFlags(unsigned int flags)
{
    (void)flags;
    pthread_mutex_lock(&stub_lock);
    if (stub_init_count == 0) {
        const char *path = getenv("GPUQOS_NVML_STUB_FIXTURE");
        if (!path || !*path) {
            fprintf(stderr, "nvml-stub: GPUQOS_NVML_STUB_FIXTURE is not set\n");
            LEAVE(NVML_ERROR_DRIVER_NOT_LOADED);
        }
        if (stub_load_fixture(path, &stub_host_state) != 0) {
            LEAVE(NVML_ERROR_DRIVER_NOT_LOADED);
        }
        stub_host_state.init_time = stub_monotonic_seconds();
    }
    nvmlReturn_t fault = injected("nvmlInitWithFlags", -1);
    if (fault != NVML_SUCCESS) {
        LEAVE(fault);
    }
    stub_init_count++;
    LEAVE(NVML_SUCCESS);
}

API nvmlReturn_t nvmlInit_v2(void)
{
    return nvmlInitWithFlags(0);
}

API nvmlReturn_t nvmlShutdown(void)
{
    pthread_mutex_lock(&stub_lock);
    if (stub_init_count == 0) {
        LEAVE(NVML_ERROR_UNINITIALIZED);
    }
    stub_init_count--;
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

API nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int *count)
{
    ENTER("nvmlDeviceGetCount_v2");
    if (!count) {
        LEAVE(NVML_ERROR_INVALID_ARGUMENT);
    }
    *count = (unsigned int)stub_host_state.gpu_count;
    LEAVE(NVML_SUCCESS);
}

API nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int index, nvmlDevice_t *device)
{
    ENTER("nvmlDeviceGetHandleByIndex_v2");
    if (!device || index >= (unsigned int)stub_host_state.gpu_count) {
        LEAVE(NVML_ERROR_INVALID_ARGUMENT);
    }
    nvmlReturn_t fault = injected("nvmlDeviceGetHandleByIndex_v2", (int)index);
    if (fault != NVML_SUCCESS) {
        LEAVE(fault);
    }
    *device = &stub_host_state.gpus[index].handle;
    LEAVE(NVML_SUCCESS);
}

/* By GPU UUID, or by MIG device UUID (MIG-...), which gives the MIG device handle. */
API nvmlReturn_t nvmlDeviceGetHandleByUUID(const char *uuid, nvmlDevice_t *device)
{
    ENTER("nvmlDeviceGetHandleByUUID");
    if (!uuid || !device) {
        LEAVE(NVML_ERROR_INVALID_ARGUMENT);
    }
    for (int i = 0; i < stub_host_state.gpu_count; i++) {
        struct stub_gpu *g = &stub_host_state.gpus[i];
        if (strcmp(g->uuid, uuid) == 0) {
            *device = &g->handle;
            LEAVE(NVML_SUCCESS);
        }
        for (int k = 0; k < g->gi_count; k++) {
            if (g->gis[k].uuid[0] && strcmp(g->gis[k].uuid, uuid) == 0 && g->mig && gi_present(g, &g->gis[k])) {
                *device = &g->mig_handles[k];
                LEAVE(NVML_SUCCESS);
            }
        }
    }
    LEAVE(NVML_ERROR_NOT_FOUND);
}

/* NVML accepts domain:bus:device.function, domain:bus:device and bus:device.function, all hexadecimal. */
static int parse_bus_id(const char *text, unsigned int *domain, unsigned int *bus, unsigned int *dev, unsigned int *fn)
{
    char tail;
    *domain = 0;
    *fn = 0;
    if (sscanf(text, "%x:%x:%x.%x%c", domain, bus, dev, fn, &tail) == 4) {
        return 1;
    }
    if (sscanf(text, "%x:%x:%x%c", domain, bus, dev, &tail) == 3) {
        return 1;
    }
    *domain = 0;
    return sscanf(text, "%x:%x.%x%c", bus, dev, fn, &tail) == 3;
}

API nvmlReturn_t nvmlDeviceGetHandleByPciBusId_v2(const char *pciBusId, nvmlDevice_t *device)
{
    ENTER("nvmlDeviceGetHandleByPciBusId_v2");
    unsigned int domain, bus, dev, fn;
    if (!pciBusId || !device || !parse_bus_id(pciBusId, &domain, &bus, &dev, &fn)) {
        LEAVE(NVML_ERROR_INVALID_ARGUMENT);
    }
    for (int i = 0; i < stub_host_state.gpu_count; i++) {
        struct stub_gpu *g = &stub_host_state.gpus[i];
        unsigned int d, b, v, f;
        if (parse_bus_id(g->pci, &d, &b, &v, &f) && d == domain && b == bus && v == dev && f == fn) {
            *device = &g->handle;
            LEAVE(NVML_SUCCESS);
        }
    }
    LEAVE(NVML_ERROR_NOT_FOUND);
}

API nvmlReturn_t nvmlDeviceGetIndex(nvmlDevice_t device, unsigned int *index)
{
    ENTER_GPU("nvmlDeviceGetIndex", device, g);
    if (!index) {
        LEAVE(NVML_ERROR_INVALID_ARGUMENT);
    }
    *index = (unsigned int)g->index;
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
