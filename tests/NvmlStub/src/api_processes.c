/* Running processes and their utilization samples. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "stub_api.h"

/*
 * The three process lists share nvmlProcessInfo_t and the INSUFFICIENT_SIZE handshake. As NVML documents MPS,
 * the MPS server holds a compute context and its clients an MPS compute context, so the clients are in the MPS
 * list only; gpu key mps_clients_in_compute=1 also lists them in the compute list, as some drivers do.
 * usedGpuMemory is the process's whole use in every list it appears in.
 */
static int in_list(struct stub_gpu *g, struct stub_process *p, unsigned int list)
{
    unsigned int contexts = p->contexts;
    if ((contexts & CTX_MPS) && g->mps_clients_in_compute) {
        contexts |= CTX_COMPUTE;
    }
    return (contexts & list) != 0;
}

static nvmlReturn_t process_list(struct stub_gpu *g, nvmlDevice_t device, unsigned int list, unsigned int *count, nvmlProcessInfo_t *infos)
{
    struct nvmlGpuInstance_st *gi = mig_instance(device);
    unsigned int needed = 0;
    for (int i = 0; i < g->proc_count; i++) {
        struct stub_process *p = &g->procs[i];
        if (in_list(g, p, list) && process_visible(g, p) && (!gi || p->gi == gi->id)) {
            needed++;
        }
    }
    if (*count < needed || (needed > 0 && !infos)) {
        *count = needed;
        return NVML_ERROR_INSUFFICIENT_SIZE;
    }
    unsigned int n = 0;
    for (int i = 0; i < g->proc_count; i++) {
        struct stub_process *p = &g->procs[i];
        if (in_list(g, p, list) && process_visible(g, p) && (!gi || p->gi == gi->id)) {
            infos[n].pid = p->pid;
            infos[n].usedGpuMemory = p->memory_mib << 20;
            infos[n].gpuInstanceId = p->gi;
            infos[n].computeInstanceId = p->ci;
            n++;
        }
    }
    *count = n;
    return NVML_SUCCESS;
}

API nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v3(nvmlDevice_t device, unsigned int *count, nvmlProcessInfo_t *infos)
{
    ENTER_GPU("nvmlDeviceGetComputeRunningProcesses_v3", device, g);
    if (!count) {
        LEAVE(NVML_ERROR_INVALID_ARGUMENT);
    }
    /* Counts the calls (fixture key from=N); the other two lists are read in the same cycle and do not count. */
    g->process_calls++;
    LEAVE(process_list(g, device, CTX_COMPUTE, count, infos));
}

API nvmlReturn_t nvmlDeviceGetGraphicsRunningProcesses_v3(nvmlDevice_t device, unsigned int *count, nvmlProcessInfo_t *infos)
{
    ENTER_GPU("nvmlDeviceGetGraphicsRunningProcesses_v3", device, g);
    if (!count) {
        LEAVE(NVML_ERROR_INVALID_ARGUMENT);
    }
    LEAVE(process_list(g, device, CTX_GRAPHICS, count, infos));
}

API nvmlReturn_t nvmlDeviceGetMPSComputeRunningProcesses_v3(nvmlDevice_t device, unsigned int *count, nvmlProcessInfo_t *infos)
{
    ENTER_GPU("nvmlDeviceGetMPSComputeRunningProcesses_v3", device, g);
    if (!count) {
        LEAVE(NVML_ERROR_INVALID_ARGUMENT);
    }
    LEAVE(process_list(g, device, CTX_MPS, count, infos));
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
        /* Samples are taken on the size query only, so that one read (query + fetch) never sees two new ones. */
        /* An idle process gets no new samples; its old ones fall behind lastSeenTimeStamp. */
        int busy = p->idle_after == 0 || p->generated < p->idle_after;
        if (busy && (!samples || *count == 0) && (p->sample_count == 0 || now - p->samples[p->sample_count - 1].ts >= 100000ULL)) {
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
    for (int i = 0; i < stub_host_state.gpu_count; i++) {
        for (int k = 0; k < stub_host_state.gpus[i].proc_count; k++) {
            struct stub_process *p = &stub_host_state.gpus[i].procs[k];
            if (p->pid == pid && p->name[0]) {
                LEAVE(copy_text(name, length, p->name));
            }
        }
    }
    LEAVE(NVML_ERROR_NOT_FOUND);
}
