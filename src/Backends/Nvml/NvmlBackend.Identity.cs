using System.Text;
using GpuQos.Backends.Nvml.Interop;
using GpuQos.Model.Devices;

namespace GpuQos.Backends.Nvml;

/// <summary>Identity of GPUs and names of processes.</summary>
public sealed partial class NvmlBackend
{
    /// <summary>
    /// The name of a process on the GPU: from the GPU's name cache, else from procfs, else from NVML. "unknown"
    /// (not cached, so asked again next time) when neither knows it.
    /// </summary>
    private string ProcessName(NvmlGpu g, int pid)
    {
        if (g.ProcessNames.TryGet(pid, out var cached))
        {
            return cached;
        }

        if ((_names.Read(pid) ?? NvmlProcessName(pid)) is { } name)
        {
            g.ProcessNames.Remember(pid, name);
            return name;
        }

        return "unknown";
    }

    /// <summary>The name NVML knows for a process, or null.</summary>
    private static string? NvmlProcessName(int pid)
    {
        // The process may live in another PID namespace (a container); NVML resolves it through the driver.
        Span<byte> buffer = stackalloc byte[256];
        unsafe
        {
            fixed (byte* p = buffer)
            {
                if (NvmlNative.nvmlSystemGetProcessName((uint)pid, p, (uint)buffer.Length) == NvmlReturn.Success)
                {
                    return Text(buffer);
                }
            }
        }

        return null;
    }

    private static unsafe GpuIdentity ReadIdentity(NvmlGpu g)
    {
        string uuid = $"unknown-{g.Index}", name = "unknown", pci = "";
        string? serial = null;
        int? minor = null;
        if (g.Handle == 0)
        {
            return new GpuIdentity(g.Index, uuid, name, pci);
        }

        Span<byte> buffer = stackalloc byte[96];
        fixed (byte* p = buffer)
        {
            if (NvmlNative.nvmlDeviceGetUUID(g.Handle, p, 96) == NvmlReturn.Success)
            {
                uuid = Text(buffer);
            }

            buffer.Clear();
            if (NvmlNative.nvmlDeviceGetName(g.Handle, p, 96) == NvmlReturn.Success)
            {
                name = Text(buffer);
            }

            buffer.Clear();
            if (NvmlNative.nvmlDeviceGetSerial(g.Handle, p, 30) == NvmlReturn.Success)
            {
                serial = Text(buffer);
            }
        }

        if (NvmlNative.nvmlDeviceGetPciInfo_v3(g.Handle, out var info) == NvmlReturn.Success)
        {
            pci = Text(new ReadOnlySpan<byte>(info.BusId, 32));
        }

        if (NvmlNative.nvmlDeviceGetMinorNumber(g.Handle, out var m) == NvmlReturn.Success)
        {
            minor = (int)m;
        }

        return new GpuIdentity(g.Index, uuid, name, pci, serial, minor);
    }

    /// <summary>A NUL-terminated UTF-8 string from a buffer NVML filled.</summary>
    private static string Text(ReadOnlySpan<byte> buffer)
    {
        var end = buffer.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? buffer : buffer[..end]);
    }
}
