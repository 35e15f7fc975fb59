using System.Runtime.InteropServices;
using GpuQos.Backends.Nvml.Interop;
using GpuQos.Model.Backends;

namespace GpuQos.Backends.Nvml;

/// <summary>Builds the exceptions NVML errors become.</summary>
internal static class NvmlErrors
{
    public static GpuBackendException Exception(string function, NvmlReturn code, int? gpu)
    {
        string text;
        try
        {
            text = Marshal.PtrToStringUTF8(NvmlNative.nvmlErrorString(code)) ?? code.Name();
        }
        catch (EntryPointNotFoundException)
        {
            text = code.Name();
        }

        var where = gpu is { } g ? $" on GPU {g}" : "";
        return new GpuBackendException(function, code.Name(), gpu, $"{function} failed{where}: {text} ({code.Name()})");
    }
}
