using System.Text;
using GpuQos.Collectors.Model;
using GpuQos.Collectors.Nvml.Interop;

namespace GpuQos.Collectors.Nvml;

/// <summary>Identity of GPUs and names of processes.</summary>
public sealed partial class NvmlBackend
{
    private string ProcessName(int pid)
    {
        var name = _names.Read(pid);
        if (name is not null)
        {
            return name;
        }

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

        return "unknown";
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
