using System.Runtime.InteropServices;

namespace GpuQos.Backends.Nvml.Interop;

/// <summary>
/// The NVML entry points GpuQos uses, bound by name to <c>libnvidia-ml.so.1</c> (NVML 13). Plain NVML names
/// are macros for versioned symbols, so the versioned ones are bound directly. Handles are opaque pointers.
/// Every call returns <see cref="NvmlReturn"/>; <see cref="NvmlBackend"/> turns codes into results or errors.
/// </summary>
internal static unsafe partial class NvmlNative
{
    /// <summary>The library's soname.</summary>
    public const string Library = "libnvidia-ml.so.1";

    // init
    [LibraryImport(Library)] public static partial NvmlReturn nvmlInitWithFlags(uint flags);
    [LibraryImport(Library)] public static partial NvmlReturn nvmlShutdown();
    [LibraryImport(Library)] public static partial nint nvmlErrorString(NvmlReturn result);

    // discovery and identity
    [LibraryImport(Library)] public static partial NvmlReturn nvmlDeviceGetCount_v2(out uint count);
    [LibraryImport(Library)] public static partial NvmlReturn nvmlDeviceGetHandleByIndex_v2(uint index, out nint device);
    [LibraryImport(Library)] public static partial NvmlReturn nvmlDeviceGetUUID(nint device, byte* uuid, uint length);
    [LibraryImport(Library)] public static partial NvmlReturn nvmlDeviceGetName(nint device, byte* name, uint length);
    [LibraryImport(Library)] public static partial NvmlReturn nvmlDeviceGetPciInfo_v3(nint device, out NvmlPciInfo pci);
    [LibraryImport(Library)] public static partial NvmlReturn nvmlDeviceGetSerial(nint device, byte* serial, uint length);
    [LibraryImport(Library)] public static partial NvmlReturn nvmlDeviceGetMinorNumber(nint device, out uint minor);
    [LibraryImport(Library)] public static partial NvmlReturn nvmlDeviceGetVirtualizationMode(nint device, out int mode);

    // device readings
    [LibraryImport(Library)] public static partial NvmlReturn nvmlDeviceGetMemoryInfo_v2(nint device, ref NvmlMemoryV2 memory);
    [LibraryImport(Library)] public static partial NvmlReturn nvmlDeviceGetUtilizationRates(nint device, out NvmlUtilization utilization);
    [LibraryImport(Library)] public static partial NvmlReturn nvmlDeviceGetClockInfo(nint device, int type, out uint mhz);
    [LibraryImport(Library)] public static partial NvmlReturn nvmlDeviceGetMaxClockInfo(nint device, int type, out uint mhz);
    [LibraryImport(Library)] public static partial NvmlReturn nvmlDeviceGetPowerUsage(nint device, out uint milliwatts);
    [LibraryImport(Library)] public static partial NvmlReturn nvmlDeviceGetPowerManagementLimit(nint device, out uint milliwatts);
    [LibraryImport(Library)] public static partial NvmlReturn nvmlDeviceGetEnforcedPowerLimit(nint device, out uint milliwatts);
    [LibraryImport(Library)] public static partial NvmlReturn nvmlDeviceGetTotalEnergyConsumption(nint device, out ulong millijoules);
    [LibraryImport(Library)] public static partial NvmlReturn nvmlDeviceGetTemperatureV(nint device, ref NvmlTemperatureV1 temperature);
    [LibraryImport(Library)] public static partial NvmlReturn nvmlDeviceGetComputeMode(nint device, out int mode);

    // health
    [LibraryImport(Library)] public static partial NvmlReturn nvmlDeviceGetCurrentClocksEventReasons(nint device, out ulong reasons);
    [LibraryImport(Library)] public static partial NvmlReturn nvmlDeviceGetTotalEccErrors(nint device, int errorType, int counterType, out ulong count);
    [LibraryImport(Library)] public static partial NvmlReturn nvmlDeviceGetRemappedRows(nint device, out uint correctable, out uint uncorrectable, out uint pending, out uint failed);
    [LibraryImport(Library)] public static partial NvmlReturn nvmlDeviceGetPcieThroughput(nint device, int counter, out uint kilobytesPerSecond);

    // events
    [LibraryImport(Library)] public static partial NvmlReturn nvmlEventSetCreate(out nint set);
    [LibraryImport(Library)] public static partial NvmlReturn nvmlDeviceRegisterEvents(nint device, ulong eventTypes, nint set);
    [LibraryImport(Library)] public static partial NvmlReturn nvmlEventSetWait_v2(nint set, out NvmlEventData data, uint timeoutMs);
    [LibraryImport(Library)] public static partial NvmlReturn nvmlEventSetFree(nint set);

    // MIG
    [LibraryImport(Library)] public static partial NvmlReturn nvmlDeviceGetMigMode(nint device, out uint current, out uint pending);
    [LibraryImport(Library)] public static partial NvmlReturn nvmlDeviceGetMaxMigDeviceCount(nint device, out uint count);
    [LibraryImport(Library)] public static partial NvmlReturn nvmlDeviceGetMigDeviceHandleByIndex(nint device, uint index, out nint migDevice);
    [LibraryImport(Library)] public static partial NvmlReturn nvmlDeviceGetGpuInstanceId(nint migDevice, out uint id);
    [LibraryImport(Library)] public static partial NvmlReturn nvmlDeviceGetComputeInstanceId(nint migDevice, out uint id);
    [LibraryImport(Library)] public static partial NvmlReturn nvmlDeviceGetDeviceHandleFromMigDeviceHandle(nint migDevice, out nint device);
    [LibraryImport(Library)] public static partial NvmlReturn nvmlDeviceGetGpuInstanceProfileInfo(nint device, uint profile, out NvmlGpuInstanceProfileInfo info);
    [LibraryImport(Library)] public static partial NvmlReturn nvmlDeviceGetGpuInstanceById(nint device, uint id, out nint gpuInstance);
    [LibraryImport(Library)] public static partial NvmlReturn nvmlGpuInstanceGetInfo(nint gpuInstance, out NvmlGpuInstanceInfo info);
    [LibraryImport(Library)] public static partial NvmlReturn nvmlGpuInstanceGetComputeInstanceById(nint gpuInstance, uint id, out nint computeInstance);
    [LibraryImport(Library)] public static partial NvmlReturn nvmlComputeInstanceGetInfo_v2(nint computeInstance, out NvmlComputeInstanceInfo info);

    // GPM (Hopper and later)
    [LibraryImport(Library)] public static partial NvmlReturn nvmlGpmQueryDeviceSupport(nint device, ref NvmlGpmSupport support);
    [LibraryImport(Library)] public static partial NvmlReturn nvmlGpmSampleAlloc(out nint sample);
    [LibraryImport(Library)] public static partial NvmlReturn nvmlGpmSampleFree(nint sample);
    [LibraryImport(Library)] public static partial NvmlReturn nvmlGpmMigSampleGet(nint device, uint gpuInstanceId, nint sample);
    [LibraryImport(Library)] public static partial NvmlReturn nvmlGpmMetricsGet(void* metricsGet);

    // processes
    [LibraryImport(Library)] public static partial NvmlReturn nvmlDeviceGetComputeRunningProcesses_v3(nint device, ref uint count, NvmlProcessInfo* infos);
    [LibraryImport(Library)] public static partial NvmlReturn nvmlDeviceGetGraphicsRunningProcesses_v3(nint device, ref uint count, NvmlProcessInfo* infos);
    [LibraryImport(Library)] public static partial NvmlReturn nvmlDeviceGetMPSComputeRunningProcesses_v3(nint device, ref uint count, NvmlProcessInfo* infos);
    [LibraryImport(Library)] public static partial NvmlReturn nvmlDeviceGetProcessUtilization(nint device, NvmlProcessUtilizationSample* samples, ref uint count, ulong lastSeenTimeStamp);
    [LibraryImport(Library)] public static partial NvmlReturn nvmlSystemGetProcessName(uint pid, byte* name, uint length);

    // vGPU
    [LibraryImport(Library)] public static partial NvmlReturn nvmlDeviceGetActiveVgpus(nint device, ref uint count, uint* instances);
    [LibraryImport(Library)] public static partial NvmlReturn nvmlVgpuInstanceGetType(uint instance, out uint typeId);
    [LibraryImport(Library)] public static partial NvmlReturn nvmlVgpuTypeGetName(uint typeId, byte* name, ref uint size);
    [LibraryImport(Library)] public static partial NvmlReturn nvmlVgpuTypeGetFramebufferSize(uint typeId, out ulong bytes);
    [LibraryImport(Library)] public static partial NvmlReturn nvmlVgpuInstanceGetVmID(uint instance, byte* vmId, uint size, out int vmIdType);
    [LibraryImport(Library)] public static partial NvmlReturn nvmlVgpuInstanceGetFbUsage(uint instance, out ulong bytes);
    [LibraryImport(Library)] public static partial NvmlReturn nvmlDeviceGetVgpuUtilization(nint device, ulong lastSeenTimeStamp, out int valueType, ref uint count, NvmlVgpuInstanceUtilizationSample* samples);
    [LibraryImport(Library)] public static partial NvmlReturn nvmlDeviceGetVgpuSchedulerState(nint device, out NvmlVgpuSchedulerGetState state);

    // control
    [LibraryImport(Library)] public static partial NvmlReturn nvmlDeviceSetGpuLockedClocks(nint device, uint minMhz, uint maxMhz);
    [LibraryImport(Library)] public static partial NvmlReturn nvmlDeviceResetGpuLockedClocks(nint device);
    [LibraryImport(Library)] public static partial NvmlReturn nvmlDeviceSetPowerManagementLimit(nint device, uint milliwatts);
    [LibraryImport(Library)] public static partial NvmlReturn nvmlDeviceSetComputeMode(nint device, int mode);
    [LibraryImport(Library)] public static partial NvmlReturn nvmlDeviceSetVgpuSchedulerState(nint device, in NvmlVgpuSchedulerSetState state);

    // versions and capabilities (gpuqos doctor); read once, never on the collection path
    [LibraryImport(Library)] public static partial NvmlReturn nvmlSystemGetDriverVersion(byte* version, uint length);
    [LibraryImport(Library)] public static partial NvmlReturn nvmlSystemGetNVMLVersion(byte* version, uint length);
    [LibraryImport(Library)] public static partial NvmlReturn nvmlSystemGetCudaDriverVersion_v2(out int version);
    [LibraryImport(Library)] public static partial NvmlReturn nvmlDeviceGetCudaComputeCapability(nint device, out int major, out int minor);
    [LibraryImport(Library)] public static partial NvmlReturn nvmlDeviceGetPowerManagementLimitConstraints(nint device, out uint minMilliwatts, out uint maxMilliwatts);
    [LibraryImport(Library)] public static partial NvmlReturn nvmlDeviceGetVgpuSchedulerCapabilities(nint device, out NvmlVgpuSchedulerCapabilities capabilities);
    [LibraryImport(Library)] public static partial NvmlReturn nvmlDeviceGetSupportedMemoryClocks(nint device, ref uint count, uint* clocksMhz);
    [LibraryImport(Library)] public static partial NvmlReturn nvmlDeviceGetSupportedGraphicsClocks(nint device, uint memoryClockMhz, ref uint count, uint* clocksMhz);
}
