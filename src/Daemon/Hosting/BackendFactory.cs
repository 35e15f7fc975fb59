using GpuQos.Backends.Nvml;
using GpuQos.Backends.Simulation;
using GpuQos.Daemon.Configuration;
using GpuQos.Model.Backends;

namespace GpuQos.Daemon.Hosting;

/// <summary>Creates the backend <c>--backend</c> asks for. It never substitutes the simulator for NVML.</summary>
public static class BackendFactory
{
    /// <summary>The message given when NVML is unavailable and the user did not choose the simulator.</summary>
    public static string NoNvmlMessage(string reason) =>
        $"No NVIDIA GPU is available through NVML ({reason}). " +
        "GpuQos does not fall back to simulated data on its own. To try it without a GPU, run it on the simulated host: gpuqos run --backend sim";

    /// <summary>Creates the backend. Throws <see cref="BackendUnavailableException"/> when NVML cannot be used.</summary>
    /// <param name="kind">The backend <c>--backend</c> or <c>settings.backend</c> asks for.</param>
    /// <param name="scenarioPath">The simulated host's scenario file, or null for the built-in demo host.</param>
    /// <param name="time">The clock.</param>
    /// <param name="procfsRoot">
    /// Where the host's procfs is mounted (<c>--procfs-root</c>, <c>attribution.procfsRoot</c>): NVML reports host
    /// PIDs, and their names are read there. A daemon in a container sees its own processes at <c>/proc</c>.
    /// </param>
    public static IGpuBackend Create(BackendKind kind, string? scenarioPath, TimeProvider time, string procfsRoot)
    {
        switch (kind)
        {
            case BackendKind.Sim:
                var scenario = scenarioPath is null ? ScenarioLoader.Demo() : ScenarioLoader.LoadFile(scenarioPath);
                return new SimulatedBackend(scenario, time);
            case BackendKind.Nvml:
            case BackendKind.Auto:
                if (scenarioPath is not null)
                {
                    throw new BackendUnavailableException("--scenario describes a simulated host; it needs --backend sim");
                }

                return CreateNvml(time, procfsRoot);
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown backend");
        }
    }

    /// <summary>
    /// Opens NVML. Both <c>--backend nvml</c> and <c>--backend auto</c> come here: auto uses NVML when the library
    /// loads and reports at least one GPU, and otherwise fails with <see cref="NoNvmlMessage"/>, never the simulator.
    /// </summary>
    private static NvmlBackend CreateNvml(TimeProvider time, string procfsRoot)
    {
        try
        {
            return NvmlBackend.Open(new NvmlBackendOptions { ProcRoot = procfsRoot }, time);
        }
        catch (BackendUnavailableException ex)
        {
            throw new BackendUnavailableException(NoNvmlMessage(ex.Message), ex);
        }
    }
}
