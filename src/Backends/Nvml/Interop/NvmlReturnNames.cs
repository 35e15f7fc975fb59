using System.Globalization;

namespace GpuQos.Backends.Nvml.Interop;

/// <summary>NVML's names for return codes, without the <c>NVML_ERROR_</c> prefix: <c>GPU_IS_LOST</c>.</summary>
internal static class NvmlReturnNames
{
    /// <summary>The code's name as the <c>code</c> label spells it.</summary>
    public static string Name(this NvmlReturn code) => code switch
    {
        NvmlReturn.Success => "SUCCESS",
        NvmlReturn.Uninitialized => "UNINITIALIZED",
        NvmlReturn.InvalidArgument => "INVALID_ARGUMENT",
        NvmlReturn.NotSupported => "NOT_SUPPORTED",
        NvmlReturn.NoPermission => "NO_PERMISSION",
        NvmlReturn.AlreadyInitialized => "ALREADY_INITIALIZED",
        NvmlReturn.NotFound => "NOT_FOUND",
        NvmlReturn.InsufficientSize => "INSUFFICIENT_SIZE",
        NvmlReturn.InsufficientPower => "INSUFFICIENT_POWER",
        NvmlReturn.DriverNotLoaded => "DRIVER_NOT_LOADED",
        NvmlReturn.Timeout => "TIMEOUT",
        NvmlReturn.IrqIssue => "IRQ_ISSUE",
        NvmlReturn.LibraryNotFound => "LIBRARY_NOT_FOUND",
        NvmlReturn.FunctionNotFound => "FUNCTION_NOT_FOUND",
        NvmlReturn.CorruptedInforom => "CORRUPTED_INFOROM",
        NvmlReturn.GpuIsLost => "GPU_IS_LOST",
        NvmlReturn.ResetRequired => "RESET_REQUIRED",
        NvmlReturn.OperatingSystem => "OPERATING_SYSTEM",
        NvmlReturn.LibRmVersionMismatch => "LIB_RM_VERSION_MISMATCH",
        NvmlReturn.InUse => "IN_USE",
        NvmlReturn.Memory => "MEMORY",
        NvmlReturn.NoData => "NO_DATA",
        NvmlReturn.VgpuEccNotSupported => "VGPU_ECC_NOT_SUPPORTED",
        NvmlReturn.InsufficientResources => "INSUFFICIENT_RESOURCES",
        NvmlReturn.FreqNotSupported => "FREQ_NOT_SUPPORTED",
        NvmlReturn.ArgumentVersionMismatch => "ARGUMENT_VERSION_MISMATCH",
        NvmlReturn.Deprecated => "DEPRECATED",
        NvmlReturn.NotReady => "NOT_READY",
        NvmlReturn.GpuNotFound => "GPU_NOT_FOUND",
        NvmlReturn.InvalidState => "INVALID_STATE",
        NvmlReturn.Unknown => "UNKNOWN",
        _ => "ERROR_" + ((int)code).ToString(CultureInfo.InvariantCulture),
    };
}
