using GpuQos.Enforcer.Journal;
using GpuQos.Enforcer.Policies;

namespace GpuQos.Enforcer.Actions;

/// <summary>
/// Creates <c>mps-threads</c>: sets the active-thread percentage of the MPS servers that serve the target
/// tenants (one server per user ID), and refuses when such a server also serves a tenant it may not touch. The
/// percentage reaches the clients that connect to the server afterwards; running clients keep theirs. Each
/// server's previous percentage is read, journaled and set back.
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
        return new MpsServerAction(
            Type,
            options,
            (mps, server, gpu) => new JournalMpsServer(server, gpu, PreviousThreadPercentage: mps.GetActiveThreadPercentage(server)),
            (mps, server, _) => mps.SetActiveThreadPercentage(server, percentage),
            $"active threads set to {percentage}% for clients that connect from now on");
    }
}
