/* Event sets: XID critical errors, delivered from the fixture's xid records. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "stub_api.h"

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
        double elapsed_ms = (stub_monotonic_seconds() - stub_host_state.init_time) * 1000.0;
        for (int i = 0; i < stub_host_state.xid_count; i++) {
            struct stub_xid *x = &stub_host_state.xids[i];
            if (!x->delivered && x->after_ms <= elapsed_ms && (set->registered[x->gpu] & nvmlEventTypeXidCriticalError)) {
                x->delivered = 1;
                memset(data, 0, sizeof *data);
                data->device = &stub_host_state.gpus[x->gpu].handle;
                data->eventType = nvmlEventTypeXidCriticalError;
                data->eventData = x->code;
                data->gpuInstanceId = 0xFFFFFFFFU;
                data->computeInstanceId = 0xFFFFFFFFU;
                LEAVE(NVML_SUCCESS);
            }
        }
        pthread_mutex_unlock(&stub_lock);
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
