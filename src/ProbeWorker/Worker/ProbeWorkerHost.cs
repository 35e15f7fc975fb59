using GpuQos.IsolationProbes.Kernels;
using GpuQos.Model.Devices;

namespace GpuQos.IsolationProbes.Worker;

/// <summary>Starts a probe worker: binds it to its partition, opens the accelerator, and serves the protocol.</summary>
public static class ProbeWorkerHost
{
    /// <summary>
    /// Runs the worker until stdin closes. Binding happens before the accelerator is opened, so ILGPU's
    /// threads inherit the affinity. Returns 0, or 2 when the worker cannot bind or open its accelerator
    /// (the reason goes to stderr, where the coordinator picks it up).
    /// </summary>
    public static async Task<int> RunAsync(AcceleratorChoice accelerator, IReadOnlyList<int> cores, long? memoryLimit, TextReader input, TextWriter output, TextWriter error)
    {
        // Workers run at the normal priority, victim and aggressor alike: a worker at nice -20 would be a
        // root-priority process running tenant-like code, and raising it needs a capability workers do not have.
        ProbeDevice device;
        try
        {
            if (cores.Count > 0)
            {
                PosixBinding.PinProcess(cores);
            }

            device = ProbeDevice.Open(accelerator, cores.Count > 0 ? cores.Count : Environment.ProcessorCount);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or IOException or DllNotFoundException)
        {
            await error.WriteLineAsync($"gpuqos-probe: {ex.Message}");
            return 2;
        }

        using (device)
        {
            var budget = memoryLimit ?? 0;
            var info = new WorkerInfo(
                device.IsCpu ? "cpu" : "cuda",
                device.Accelerator.Name,
                cores,
                device.IsCpu ? budget : device.Accelerator.MemorySize,
                device.IsCpu ? PosixBinding.LastLevelCacheBytes() : GpuL2Bytes(device.Accelerator.Name),
                device.Note);
            await new ProbeWorker(device, info, output, memoryLimit).RunAsync(input);
        }

        return 0;
    }

    private static long GpuL2Bytes(string name) =>
        GpuModels.All.FirstOrDefault(m => name.Contains(m.ProductName, StringComparison.OrdinalIgnoreCase) || m.ProductName.Contains(name, StringComparison.OrdinalIgnoreCase))?.L2CacheBytes
        ?? (50L << 20);
}
