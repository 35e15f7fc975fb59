using GpuQos.Model.Backends;
using GpuQos.Model.Snapshots;

namespace GpuQos.Enforcer.Actuators;

/// <summary>Process actions on the simulated host: its processes are not OS processes, so signals would hit the wrong ones.</summary>
public sealed class SimulatedProcessActuator(ISimulatedProcessControl control) : IProcessActuator
{
    private readonly Dictionary<int, int> _nice = [];
    private readonly Lock _lock = new();

    /// <inheritdoc />
    public string Kind => "sim";

    /// <inheritdoc />
    public ProcessKey? Identify(ProcessSnapshot process)
    {
        ArgumentNullException.ThrowIfNull(process);
        return control.ProcessExists(process.Reading.Pid) ? new ProcessKey(process.Reading.Pid, 0) : null;
    }

    /// <inheritdoc />
    public void SetDutyCycle(ProcessKey process, double duty) => control.SetDutyCycle(process.Pid, duty);

    /// <inheritdoc />
    public int? GetNice(ProcessKey process)
    {
        lock (_lock)
        {
            return _nice.GetValueOrDefault(process.Pid);
        }
    }

    /// <inheritdoc />
    public void SetNice(ProcessKey process, int nice)
    {
        lock (_lock)
        {
            _nice[process.Pid] = nice;
        }

        // CFS gives each nice step about 1.25x less weight; the simulated GPU scheduler weighs contexts the same way.
        control.SetWeight(process.Pid, Math.Pow(1.25, -nice));
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }
}
