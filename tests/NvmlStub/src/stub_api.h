/* Shared by the stand-in's API files: its state, the call prologue/epilogue, and small helpers. */
#ifndef GPUQOS_NVML_STUB_API_H
#define GPUQOS_NVML_STUB_API_H

#include <pthread.h>
#include "stub.h"

#define API __attribute__((visibility("default")))

extern pthread_mutex_t stub_lock;
extern struct stub_host stub_host_state;
extern int stub_init_count;

struct nvmlEventSet_st {
    unsigned long long registered[MAX_GPUS];
};

struct nvmlGpmSample_st {
    int gpu;
    unsigned int gi;
    unsigned long long ts;
    int taken;
};

nvmlReturn_t injected(const char *fn, int gpu);
void log_call(nvmlReturn_t result, const char *format, ...);
struct stub_gpu *physical(nvmlDevice_t device);
struct nvmlGpuInstance_st *mig_instance(nvmlDevice_t device);
struct stub_gpu *any_gpu(nvmlDevice_t device);
size_t bounded(size_t n, size_t max);
nvmlReturn_t copy_text(char *dest, unsigned int length, const char *src);
int process_visible(struct stub_gpu *g, struct stub_process *p);
unsigned int real_share(struct stub_process *p);
unsigned long long used_mib(struct stub_gpu *g, int gi);
int gi_present(struct stub_gpu *g, struct nvmlGpuInstance_st *gi);
struct stub_profile *profile_by_id(struct stub_gpu *g, unsigned int id);
struct stub_vgpu *vgpu_by_id(nvmlVgpuInstance_t id, struct stub_gpu **owner);
struct stub_vgpu *vgpu_type(nvmlVgpuTypeId_t type, struct stub_gpu **owner);

/* Opens a device call: initialized, a valid handle, no injected fault. Leaves the lock held on success. */
#define ENTER_GPU(fn, device, g)                                    \
    pthread_mutex_lock(&stub_lock);                                      \
    if (stub_init_count == 0) {                                          \
        pthread_mutex_unlock(&stub_lock);                                \
        return NVML_ERROR_UNINITIALIZED;                            \
    }                                                               \
    struct stub_gpu *g = any_gpu(device);                           \
    if (!g) {                                                       \
        pthread_mutex_unlock(&stub_lock);                                \
        return NVML_ERROR_INVALID_ARGUMENT;                         \
    }                                                               \
    do {                                                            \
        nvmlReturn_t fault_ = injected(fn, g->index);               \
        if (fault_ != NVML_SUCCESS) {                               \
            pthread_mutex_unlock(&stub_lock);                            \
            return fault_;                                          \
        }                                                           \
    } while (0)

#define ENTER(fn)                                                   \
    pthread_mutex_lock(&stub_lock);                                      \
    if (stub_init_count == 0) {                                          \
        pthread_mutex_unlock(&stub_lock);                                \
        return NVML_ERROR_UNINITIALIZED;                            \
    }                                                               \
    do {                                                            \
        nvmlReturn_t fault_ = injected(fn, -1);                     \
        if (fault_ != NVML_SUCCESS) {                               \
            pthread_mutex_unlock(&stub_lock);                            \
            return fault_;                                          \
        }                                                           \
    } while (0)

#define LEAVE(result)                                               \
    do {                                                            \
        nvmlReturn_t r_ = (result);                                 \
        pthread_mutex_unlock(&stub_lock);                                \
        return r_;                                                  \
    } while (0)

#endif
