/* Temperature, fans and power limits as common NVML clients read them (GpuQos reads the versioned calls). */
#define _POSIX_C_SOURCE 200809L
#include "stub_api.h"

#define NVML_TEMPERATURE_GPU 0

/* The unversioned temperature call: the same GPU-die sensor that nvmlDeviceGetTemperatureV reads. */
API nvmlReturn_t nvmlDeviceGetTemperature(nvmlDevice_t device, int sensorType, unsigned int *temp)
{
    ENTER_GPU("nvmlDeviceGetTemperature", device, g);
    if (!temp || sensorType != NVML_TEMPERATURE_GPU) {
        LEAVE(NVML_ERROR_INVALID_ARGUMENT);
    }
    *temp = g->temp < 0 ? 0 : (unsigned int)g->temp;
    LEAVE(NVML_SUCCESS);
}

/* Passively cooled boards (the SXM and most PCIe data-centre GPUs) have no fan NVML can read: NOT_SUPPORTED,
   which nvidia-smi shows as "Fan Speed: N/A". A fixture's fan=PCT gives the GPU one fan. */
API nvmlReturn_t nvmlDeviceGetNumFans(nvmlDevice_t device, unsigned int *count)
{
    ENTER_GPU("nvmlDeviceGetNumFans", device, g);
    if (!count) {
        LEAVE(NVML_ERROR_INVALID_ARGUMENT);
    }
    if (g->fan < 0) {
        LEAVE(NVML_ERROR_NOT_SUPPORTED);
    }
    *count = 1;
    LEAVE(NVML_SUCCESS);
}

API nvmlReturn_t nvmlDeviceGetFanSpeed_v2(nvmlDevice_t device, unsigned int fan, unsigned int *speed)
{
    ENTER_GPU("nvmlDeviceGetFanSpeed_v2", device, g);
    if (!speed) {
        LEAVE(NVML_ERROR_INVALID_ARGUMENT);
    }
    if (g->fan < 0) {
        LEAVE(NVML_ERROR_NOT_SUPPORTED);
    }
    if (fan != 0) {
        LEAVE(NVML_ERROR_INVALID_ARGUMENT);
    }
    *speed = (unsigned int)g->fan;
    LEAVE(NVML_SUCCESS);
}

API nvmlReturn_t nvmlDeviceGetFanSpeed(nvmlDevice_t device, unsigned int *speed)
{
    return nvmlDeviceGetFanSpeed_v2(device, 0, speed);
}

API nvmlReturn_t nvmlDeviceGetPowerManagementLimitConstraints(nvmlDevice_t device, unsigned int *minLimit, unsigned int *maxLimit)
{
    ENTER_GPU("nvmlDeviceGetPowerManagementLimitConstraints", device, g);
    if (!minLimit || !maxLimit) {
        LEAVE(NVML_ERROR_INVALID_ARGUMENT);
    }
    *minLimit = g->power_min_mw;
    *maxLimit = g->power_max_mw;
    LEAVE(NVML_SUCCESS);
}

/* The limit the board ships with, which nvmlDeviceSetPowerManagementLimit changes away from. */
API nvmlReturn_t nvmlDeviceGetPowerManagementDefaultLimit(nvmlDevice_t device, unsigned int *limit)
{
    ENTER_GPU("nvmlDeviceGetPowerManagementDefaultLimit", device, g);
    if (!limit) {
        LEAVE(NVML_ERROR_INVALID_ARGUMENT);
    }
    *limit = g->power_default_mw;
    LEAVE(NVML_SUCCESS);
}
