using System.Globalization;
using System.Runtime.InteropServices;
using GpuQos.Backends.Nvml.Interop;
using GpuQos.Model.Backends;

namespace GpuQos.Backends.Nvml;

/// <summary>Versions, compute capability and call results for <c>gpuqos doctor</c>.</summary>
public sealed partial class NvmlBackend : IBackendDiagnostics
{
    // NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE and NVML_SYSTEM_NVML_VERSION_BUFFER_SIZE in nvml.h.
    private const int VersionBuffer = 80;

    /// <inheritdoc />
    public unsafe BackendVersions Versions()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var cuda = NvmlNative.nvmlSystemGetCudaDriverVersion_v2(out var version);
            return new BackendVersions(
                Text(&NvmlNative.nvmlSystemGetDriverVersion),
                Text(&NvmlNative.nvmlSystemGetNVMLVersion),
                cuda == NvmlReturn.Success
                    ? new DiagnosticValue(string.Create(CultureInfo.InvariantCulture, $"{version / 1000}.{version % 1000 / 10}"), cuda.Name())
                    : new DiagnosticValue(null, cuda.Name()));
        }
    }

    /// <inheritdoc />
    public DiagnosticValue ComputeCapability(int gpu)
    {
        lock (_lock)
        {
            var g = Gpu(gpu, "nvmlDeviceGetCudaComputeCapability");
            var code = NvmlNative.nvmlDeviceGetCudaComputeCapability(g.Handle, out var major, out var minor);
            return code == NvmlReturn.Success
                ? new DiagnosticValue(string.Create(CultureInfo.InvariantCulture, $"{major}.{minor}"), code.Name())
                : new DiagnosticValue(null, code.Name());
        }
    }

    /// <inheritdoc />
    public DiagnosticValue PowerLimitConstraints(int gpu)
    {
        lock (_lock)
        {
            var g = Gpu(gpu, "nvmlDeviceGetPowerManagementLimitConstraints");
            var code = NvmlNative.nvmlDeviceGetPowerManagementLimitConstraints(g.Handle, out var min, out var max);
            return code == NvmlReturn.Success
                ? new DiagnosticValue(string.Create(CultureInfo.InvariantCulture, $"{min / 1000.0:0.#}-{max / 1000.0:0.#} W"), code.Name())
                : new DiagnosticValue(null, code.Name());
        }
    }

    /// <inheritdoc />
    public unsafe DiagnosticValue VgpuSchedulerCapabilities(int gpu)
    {
        lock (_lock)
        {
            var g = Gpu(gpu, "nvmlDeviceGetVgpuSchedulerCapabilities");
            var code = NvmlNative.nvmlDeviceGetVgpuSchedulerCapabilities(g.Handle, out var caps);
            if (code != NvmlReturn.Success)
            {
                return new DiagnosticValue(null, code.Name());
            }

            var policies = new List<string>(3);
            for (var i = 0; i < 3; i++)
            {
                if (caps.SupportedSchedulers[i] is > 0 and <= 3 and var p)
                {
                    policies.Add(((Model.Devices.VgpuSchedulerPolicy)p).ToString());
                }
            }

            return new DiagnosticValue(
                string.Create(CultureInfo.InvariantCulture, $"policies {string.Join('/', policies)}, time slice {caps.MinTimeslice / 1e6:0.##}-{caps.MaxTimeslice / 1e6:0.##} ms, adaptive round robin {(caps.IsArrModeSupported != 0 ? "supported" : "not supported")}"),
                code.Name());
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<CallResult> CallResults(int gpu)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (gpu < 0 || gpu >= _gpus.Length)
            {
                return [];
            }

            return [.. _gpus[gpu].Results().Select(r => new CallResult(r.Key, r.Value.Name()))];
        }
    }

    private static unsafe DiagnosticValue Text(delegate*<byte*, uint, NvmlReturn> call)
    {
        var buffer = stackalloc byte[VersionBuffer];
        var code = call(buffer, VersionBuffer);
        return code == NvmlReturn.Success
            ? new DiagnosticValue(Marshal.PtrToStringUTF8((nint)buffer) ?? "", code.Name())
            : new DiagnosticValue(null, code.Name());
    }
}
