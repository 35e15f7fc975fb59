using System.Globalization;
using GpuQos.Enforcer.Journal;
using GpuQos.Enforcer.Policies;

namespace GpuQos.Enforcer.Actions;

/// <summary>
/// Creates <c>mps-memory-limit</c>: sets the pinned device-memory limit (<c>set_device_pinned_mem_limit</c>) of
/// the MPS servers that serve the target tenants, on this GPU, refusing a server that also serves a tenant it may
/// not touch. MPS enforces the limit on allocations of the clients that connect afterwards; a running client
/// keeps the limit it started with. Each server's previous limit is read, journaled and set back exactly.
/// </summary>
public sealed class MpsMemoryLimitActionFactory : IActionFactory
{
    /// <inheritdoc />
    public string Type => KnownPolicyTypes.Actions.MpsMemoryLimit;

    /// <inheritdoc />
    public IPolicyAction Create(ActionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var bytes = options.Bytes ?? throw new ArgumentException("mps-memory-limit needs bytes", nameof(options));
        var limit = string.Create(CultureInfo.InvariantCulture, $"{bytes >> 20}M");
        return new MpsServerAction(
            Type,
            options,
            (mps, server, gpu) => new JournalMpsServer(server, gpu, PreviousPinnedMemoryLimit: mps.GetPinnedMemoryLimit(server, gpu)),
            (mps, server, gpu) => mps.SetPinnedMemoryLimit(server, gpu, limit),
            $"pinned device memory limited to {limit} for clients that connect from now on");
    }
}
