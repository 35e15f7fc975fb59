/* Writes sizeof/offsetof of every struct the managed bindings marshal, as JSON, for the layout test. */
#include <stdio.h>
#include "nvml_abi.h"

static int first_struct = 1;
static int first_field;

static void begin(const char *name, size_t size)
{
    printf("%s\n  \"%s\": { \"size\": %zu, \"fields\": {", first_struct ? "{" : ",", name, size);
    first_struct = 0;
    first_field = 1;
}

static void field(const char *name, size_t offset)
{
    printf("%s \"%s\": %zu", first_field ? "" : ",", name, offset);
    first_field = 0;
}

static void end(void)
{
    printf(" } }");
}

#define S(type) begin(#type, sizeof(type))
#define F(type, member) field(#member, offsetof(type, member))

int main(void)
{
    S(nvmlPciInfo_t); F(nvmlPciInfo_t, busIdLegacy); F(nvmlPciInfo_t, domain); F(nvmlPciInfo_t, bus); F(nvmlPciInfo_t, device);
    F(nvmlPciInfo_t, pciDeviceId); F(nvmlPciInfo_t, pciSubSystemId); F(nvmlPciInfo_t, busId); end();
    S(nvmlMemory_v2_t); F(nvmlMemory_v2_t, version); F(nvmlMemory_v2_t, total); F(nvmlMemory_v2_t, reserved);
    F(nvmlMemory_v2_t, free); F(nvmlMemory_v2_t, used); end();
    S(nvmlUtilization_t); F(nvmlUtilization_t, gpu); F(nvmlUtilization_t, memory); end();
    S(nvmlTemperature_v1_t); F(nvmlTemperature_v1_t, version); F(nvmlTemperature_v1_t, sensorType); F(nvmlTemperature_v1_t, temperature); end();
    S(nvmlEventData_t); F(nvmlEventData_t, device); F(nvmlEventData_t, eventType); F(nvmlEventData_t, eventData);
    F(nvmlEventData_t, gpuInstanceId); F(nvmlEventData_t, computeInstanceId); end();
    S(nvmlProcessInfo_t); F(nvmlProcessInfo_t, pid); F(nvmlProcessInfo_t, usedGpuMemory); F(nvmlProcessInfo_t, gpuInstanceId);
    F(nvmlProcessInfo_t, computeInstanceId); end();
    S(nvmlProcessUtilizationSample_t); F(nvmlProcessUtilizationSample_t, pid); F(nvmlProcessUtilizationSample_t, timeStamp);
    F(nvmlProcessUtilizationSample_t, smUtil); F(nvmlProcessUtilizationSample_t, memUtil); F(nvmlProcessUtilizationSample_t, encUtil);
    F(nvmlProcessUtilizationSample_t, decUtil); end();
    S(nvmlVgpuInstanceUtilizationSample_t); F(nvmlVgpuInstanceUtilizationSample_t, vgpuInstance); F(nvmlVgpuInstanceUtilizationSample_t, timeStamp);
    F(nvmlVgpuInstanceUtilizationSample_t, smUtil); F(nvmlVgpuInstanceUtilizationSample_t, memUtil);
    F(nvmlVgpuInstanceUtilizationSample_t, encUtil); F(nvmlVgpuInstanceUtilizationSample_t, decUtil); end();
    S(nvmlGpuInstancePlacement_t); F(nvmlGpuInstancePlacement_t, start); F(nvmlGpuInstancePlacement_t, size); end();
    S(nvmlGpuInstanceProfileInfo_t); F(nvmlGpuInstanceProfileInfo_t, id); F(nvmlGpuInstanceProfileInfo_t, isP2pSupported);
    F(nvmlGpuInstanceProfileInfo_t, sliceCount); F(nvmlGpuInstanceProfileInfo_t, instanceCount); F(nvmlGpuInstanceProfileInfo_t, multiprocessorCount);
    F(nvmlGpuInstanceProfileInfo_t, copyEngineCount); F(nvmlGpuInstanceProfileInfo_t, decoderCount); F(nvmlGpuInstanceProfileInfo_t, encoderCount);
    F(nvmlGpuInstanceProfileInfo_t, jpegCount); F(nvmlGpuInstanceProfileInfo_t, ofaCount); F(nvmlGpuInstanceProfileInfo_t, memorySizeMB); end();
    S(nvmlGpuInstanceInfo_t); F(nvmlGpuInstanceInfo_t, device); F(nvmlGpuInstanceInfo_t, id); F(nvmlGpuInstanceInfo_t, profileId);
    F(nvmlGpuInstanceInfo_t, placement); end();
    S(nvmlComputeInstanceInfo_t); F(nvmlComputeInstanceInfo_t, device); F(nvmlComputeInstanceInfo_t, gpuInstance); F(nvmlComputeInstanceInfo_t, id);
    F(nvmlComputeInstanceInfo_t, profileId); F(nvmlComputeInstanceInfo_t, placement); end();
    S(nvmlVgpuSchedulerGetState_t); F(nvmlVgpuSchedulerGetState_t, schedulerPolicy); F(nvmlVgpuSchedulerGetState_t, arrMode);
    F(nvmlVgpuSchedulerGetState_t, avgFactorOrTimeslice); F(nvmlVgpuSchedulerGetState_t, timesliceWithArr); end();
    S(nvmlVgpuSchedulerSetState_t); F(nvmlVgpuSchedulerSetState_t, schedulerPolicy); F(nvmlVgpuSchedulerSetState_t, enableARRMode);
    F(nvmlVgpuSchedulerSetState_t, avgFactorOrTimeslice); F(nvmlVgpuSchedulerSetState_t, frequency); end();
    S(nvmlVgpuSchedulerCapabilities_t); F(nvmlVgpuSchedulerCapabilities_t, supportedSchedulers); F(nvmlVgpuSchedulerCapabilities_t, maxTimeslice);
    F(nvmlVgpuSchedulerCapabilities_t, minTimeslice); F(nvmlVgpuSchedulerCapabilities_t, isArrModeSupported); F(nvmlVgpuSchedulerCapabilities_t, maxFrequencyForARR);
    F(nvmlVgpuSchedulerCapabilities_t, minFrequencyForARR); F(nvmlVgpuSchedulerCapabilities_t, maxAvgFactorForARR); F(nvmlVgpuSchedulerCapabilities_t, minAvgFactorForARR); end();
    S(nvmlGpmSupport_t); F(nvmlGpmSupport_t, version); F(nvmlGpmSupport_t, isSupportedDevice); end();
    S(nvmlGpmMetric_t); F(nvmlGpmMetric_t, metricId); F(nvmlGpmMetric_t, nvmlReturn); F(nvmlGpmMetric_t, value); F(nvmlGpmMetric_t, metricInfo); end();
    S(nvmlGpmMetricsGet_t); F(nvmlGpmMetricsGet_t, version); F(nvmlGpmMetricsGet_t, numMetrics); F(nvmlGpmMetricsGet_t, sample1);
    F(nvmlGpmMetricsGet_t, sample2); F(nvmlGpmMetricsGet_t, metrics); end();
    printf("\n}\n");
    return 0;
}
