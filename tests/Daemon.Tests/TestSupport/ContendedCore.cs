using GpuQos.Daemon.Tests.Nvml;

namespace GpuQos.Daemon.Tests.TestSupport;

/// <summary>
/// The test bed of the end-to-end enforcement tests: two CPU burners, <c>victim</c> and <c>noisy</c>, pinned
/// to CPU 0, which the NVML stand-in reports (real-PID mode) as the processes of one A100, so their SM
/// utilization is their share of that core. Each has a tenant of its own name. The journal and the
/// stand-in's control log live in the test's temporary directory.
/// </summary>
internal sealed class ContendedCore : IDisposable
{
    /// <summary>The configuration's tenants section: each burner is a tenant matched by its process name.</summary>
    public const string Tenants = """
        tenants:
          - {name: victim, match: [{process: victim}]}
          - {name: noisy, match: [{process: noisy}]}

        """;

    /// <summary>The control-log line of the clock lock <see cref="FloorPolicy"/> applies.</summary>
    public const string ClockLocked = "nvmlDeviceSetGpuLockedClocks gpu=0 min=1200 max=1200 -> 0";

    /// <summary>The control-log line of its reset.</summary>
    public const string ClockReset = "nvmlDeviceResetGpuLockedClocks gpu=0 -> 0";

    private ContendedCore(NvmlStubBuild stub, string[] extraFixtureLines)
    {
        Victim = Burner.Start(Dir.Path, "victim");
        Noisy = Burner.Start(Dir.Path, "noisy");
        Fixture = stub.Fixture([
            "gpu uuid=GPU-00000000-0000-4000-8000-00000000c0de name=\"NVIDIA A100-SXM4-40GB\" pci=00000000:17:00.0 memory=40960 sm_clock=1410 sm_clock_max=1410 power_max=400000 power_min=100000",
            $"process gpu=0 pid={Victim.Pid} name=victim memory=1024 real=1",
            $"process gpu=0 pid={Noisy.Pid} name=noisy memory=1024 real=1",
            .. extraFixtureLines]);
    }

    /// <summary>Trusted: a restarted daemon replays the journal kept here.</summary>
    public TempDir Dir { get; } = new(trusted: true);

    public Burner Victim { get; }

    public Burner Noisy { get; }

    /// <summary>The stand-in's fixture file.</summary>
    public string Fixture { get; }

    /// <summary>The action journal the configuration names.</summary>
    public string Journal => Path.Combine(Dir.Path, "journal.jsonl");

    /// <summary>The stand-in's log of control calls.</summary>
    public string ControlLog => Path.Combine(Dir.Path, "control.log");

    /// <summary>The configuration's enforcement section, naming <see cref="Journal"/>.</summary>
    public string Enforcement => $"enforcement:\n  journal: {Journal}\n";

    /// <summary>Starts both burners and writes the fixture, with extra stand-in lines (faults, say) after the processes.</summary>
    public static ContendedCore Start(NvmlStubBuild stub, params string[] extraFixtureLines) => new(stub, extraFixtureLines);

    /// <summary>
    /// The victim's floor: at least 65% of the GPU over 2 s, breached for 2 s, answered by throttling the
    /// neighbour and, when <paramref name="lockClocks"/>, by locking the clock at 1200 MHz.
    /// </summary>
    public static string FloorPolicy(bool lockClocks) =>
        "policies:\n" +
        "  - name: victim-floor\n" +
        "    tenant: victim\n" +
        "    objectives:\n" +
        "      - {type: min-sm-share, share: 0.65, window: 2s}\n" +
        "    for: 2s\n" +
        "    cooldown: 1s\n" +
        "    actions:\n" +
        "      - type: throttle\n" +
        (lockClocks ? "      - {type: lock-clocks, minMhz: 1200, maxMhz: 1200}\n" : "");

    /// <summary>The environment that loads the stand-in with this fixture and logs its control calls.</summary>
    public Dictionary<string, string> Environment()
    {
        var environment = NvmlStubBuild.Environment(Fixture);
        environment["GPUQOS_NVML_STUB_LOG"] = ControlLog;
        return environment;
    }

    /// <summary>Writes a configuration file into the test's directory.</summary>
    public string WriteConfig(string yaml, string name = "gpuqos.yaml") => Dir.Write(name, yaml);

    public void Dispose()
    {
        Victim.Dispose();
        Noisy.Dispose();
        Dir.Dispose();
    }
}
