using GpuQos.Collectors.Model;
using GpuQos.Enforcer.Journal;
using GpuQos.Enforcer.Policies;

namespace GpuQos.Enforcer.Actions;

/// <summary>
/// Creates <c>mps-threads</c>: caps the target tenants' MPS clients' active-thread percentage through
/// <c>nvidia-cuda-mps-control</c>. Only MPS GPUs; MPS applies a new percentage to a client's new contexts, so
/// a client already running is capped from its next context on.
/// </summary>
public sealed class MpsThreadsActionFactory : IActionFactory
{
    /// <inheritdoc />
    public string Type => KnownPolicyTypes.Actions.MpsThreads;

    /// <inheritdoc />
    public IPolicyAction Create(ActionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var percentage = options.Percentage ?? throw new ArgumentException("mps-threads needs percentage", nameof(options));
        return new ProcessAction(
            Type,
            c => c.GpuSnapshot.Mode != SharingMode.Mps ? "the GPU is not shared through MPS" : null,
            (_, _, key) => new JournalProcess(key.Pid, key.StartTime),
            (c, key) => c.Control.SetMpsActiveThreadPercentage(c.Gpu, key.Pid, percentage),
            options,
            $"MPS active threads capped at {percentage}%");
    }
}
