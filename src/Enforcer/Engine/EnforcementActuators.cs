using GpuQos.Model.Backends;
using GpuQos.Enforcer.Actuators;
using GpuQos.Enforcer.Policies;

namespace GpuQos.Enforcer.Engine;

/// <summary>
/// What the enforcer acts through, chosen by the daemon for its backend (the simulated host's process actuator
/// or real signals, an MPS control daemon or none), so the enforcer never asks which backend it runs on.
/// The enforcer releases them when it is disposed.
/// </summary>
public sealed class EnforcementActuators
{
    private readonly Dictionary<string, IProcessActuator> _byKind = new(StringComparer.Ordinal);
    private readonly Func<EnforcementOptions, IMpsControl?> _mps;

    /// <param name="processes">The process actuator actions use.</param>
    /// <param name="undo">
    /// Other process actuators a journal entry may name by kind (<see cref="IProcessActuator.Kind"/>): a journal
    /// left by a run on real processes is undone with real signals whatever this run acts through.
    /// </param>
    /// <param name="freezer">The cgroup freezer.</param>
    /// <param name="mps">The MPS control daemon for the settings in force, or null where the backend has none.</param>
    public EnforcementActuators(IProcessActuator processes, IEnumerable<IProcessActuator> undo, CgroupFreezer freezer, Func<EnforcementOptions, IMpsControl?> mps)
    {
        ArgumentNullException.ThrowIfNull(processes);
        ArgumentNullException.ThrowIfNull(undo);
        Processes = processes;
        _byKind[processes.Kind] = processes;
        foreach (var other in undo)
        {
            _byKind.TryAdd(other.Kind, other);
        }

        Freezer = freezer;
        _mps = mps;
    }

    /// <summary>The process actuator actions use.</summary>
    public IProcessActuator Processes { get; }

    /// <summary>Every process actuator by kind, for undoing journal entries.</summary>
    public IReadOnlyDictionary<string, IProcessActuator> ByKind => _byKind;

    /// <summary>The cgroup freezer.</summary>
    public CgroupFreezer Freezer { get; }

    /// <summary>The MPS control daemon for <paramref name="options"/>, or null where the backend has none.</summary>
    public IMpsControl? MpsFor(EnforcementOptions options) => _mps(options);

    /// <summary>Releases every process actuator (called by the enforcer when it is disposed).</summary>
    internal void Release()
    {
        foreach (var actuator in _byKind.Values)
        {
            actuator.Dispose();
        }
    }
}
