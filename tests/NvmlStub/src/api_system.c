/* System-wide versions and the CUDA compute capability: what `gpuqos doctor` and other NVML clients ask first. */
#include <stdio.h>
#include "stub_api.h"

/* NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE and NVML_SYSTEM_NVML_VERSION_BUFFER_SIZE are 80 in nvml.h. */
API nvmlReturn_t nvmlSystemGetDriverVersion(char *version, unsigned int length)
{
    ENTER("nvmlSystemGetDriverVersion");
    LEAVE(copy_text(version, length, stub_host_state.driver_version));
}

API nvmlReturn_t nvmlSystemGetNVMLVersion(char *version, unsigned int length)
{
    ENTER("nvmlSystemGetNVMLVersion");
    LEAVE(copy_text(version, length, stub_host_state.nvml_version));
}

/* The CUDA version the driver supports, as 1000 * major + 10 * minor (12040 for 12.4). */
API nvmlReturn_t nvmlSystemGetCudaDriverVersion_v2(int *cudaDriverVersion)
{
    ENTER("nvmlSystemGetCudaDriverVersion_v2");
    if (!cudaDriverVersion) {
        LEAVE(NVML_ERROR_INVALID_ARGUMENT);
    }
    *cudaDriverVersion = stub_host_state.cuda_version;
    LEAVE(NVML_SUCCESS);
}

/* A MIG device handle reports its parent's capability, as the driver does. */
API nvmlReturn_t nvmlDeviceGetCudaComputeCapability(nvmlDevice_t device, int *major, int *minor)
{
    ENTER_GPU("nvmlDeviceGetCudaComputeCapability", device, g);
    if (!major || !minor) {
        LEAVE(NVML_ERROR_INVALID_ARGUMENT);
    }
    *major = g->cc_major;
    *minor = g->cc_minor;
    LEAVE(NVML_SUCCESS);
}

/* What the vGPU scheduler accepts on a vGPU host: the three policies, 1-30 ms time slices (NVIDIA's vGPU
   documentation), and adaptive round robin. Other GPUs: NOT_SUPPORTED, as for the scheduler state. */
API nvmlReturn_t nvmlDeviceGetVgpuSchedulerCapabilities(nvmlDevice_t device, nvmlVgpuSchedulerCapabilities_t *capabilities)
{
    ENTER_GPU("nvmlDeviceGetVgpuSchedulerCapabilities", device, g);
    if (!capabilities) {
        LEAVE(NVML_ERROR_INVALID_ARGUMENT);
    }
    if (g->virt != NVML_GPU_VIRTUALIZATION_MODE_HOST_VGPU) {
        LEAVE(NVML_ERROR_NOT_SUPPORTED);
    }
    capabilities->supportedSchedulers[0] = 1; /* NVML_VGPU_SCHEDULER_POLICY_BEST_EFFORT */
    capabilities->supportedSchedulers[1] = 2; /* EQUAL_SHARE */
    capabilities->supportedSchedulers[2] = 3; /* FIXED_SHARE */
    capabilities->maxTimeslice = 30000000;
    capabilities->minTimeslice = 1000000;
    capabilities->isArrModeSupported = 1;
    capabilities->maxFrequencyForARR = 960;
    capabilities->minFrequencyForARR = 30;
    capabilities->maxAvgFactorForARR = 60;
    capabilities->minAvgFactorForARR = 1;
    LEAVE(NVML_SUCCESS);
}
