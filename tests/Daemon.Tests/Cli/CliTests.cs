using GpuQos.Daemon.Tests.TestSupport;

namespace GpuQos.Daemon.Tests.Cli;

public sealed class CliTests
{
    private const string BadConfig = """
        settings:
          interval: fast
          listen: nowhere
        tenants:
          - name: Search Team
            match: []
          - name: ads
            match:
              - {}
              - user: ads
                colour: blue
        """;

    [Fact]
    public async Task Validate_InvalidConfig_ListsEveryErrorWithItsPath_AndExits1()
    {
        using var dir = new TempDir();
        var file = dir.Write("bad.yaml", BadConfig);

        var (code, _, stderr) = await DaemonProcess.RunToEndAsync(["validate", file]);

        Assert.Equal(1, code);
        Assert.Contains("settings.interval (line 2): expected a duration", stderr, StringComparison.Ordinal);
        Assert.Contains("settings.listen (line 3): 'nowhere' is not ADDRESS:PORT", stderr, StringComparison.Ordinal);
        Assert.Contains("tenants[0].name (line 5)", stderr, StringComparison.Ordinal);
        Assert.Contains("tenants[0].match (line 6): a tenant needs at least one selector", stderr, StringComparison.Ordinal);
        Assert.Contains("tenants[1].match[0] (line 9): a selector must set at least one of", stderr, StringComparison.Ordinal);
        Assert.Contains("tenants[1].match[1].colour (line 11): unknown key 'colour'", stderr, StringComparison.Ordinal);
        Assert.Contains("6 error(s)", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_ShippedConfigurations_AreValid()
    {
        var (code, stdout, stderr) = await DaemonProcess.RunToEndAsync(["validate", RepoPaths.Combine("scenarios", "demo-config.yaml")]);
        Assert.True(code == 0, stderr);
        Assert.Contains("valid", stdout, StringComparison.Ordinal);

        foreach (var scenario in Directory.GetFiles(RepoPaths.Combine("scenarios"), "*.yaml").Where(f => !f.EndsWith("-config.yaml", StringComparison.Ordinal)))
        {
            (code, _, stderr) = await DaemonProcess.RunToEndAsync(["validate", "--scenario", scenario]);
            Assert.True(code == 0, $"{scenario}: {stderr}");
        }
    }

    [Fact]
    public async Task Run_InvalidConfig_RefusesToStartWithTheSameErrors()
    {
        using var dir = new TempDir();
        var file = dir.Write("bad.yaml", BadConfig);

        var (code, _, stderr) = await DaemonProcess.RunToEndAsync(["run", "--backend", "sim", "--config", file, "--listen", $"127.0.0.1:{DaemonProcess.FreePort()}"]);

        Assert.Equal(2, code);
        Assert.Contains("refusing to start", stderr, StringComparison.Ordinal);
        Assert.Contains("tenants[1].match[1].colour (line 11): unknown key 'colour'", stderr, StringComparison.Ordinal);
        Assert.Contains("6 error(s)", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_InvalidScenario_RefusesToStartNamingThePath()
    {
        using var dir = new TempDir();
        var file = dir.Write("bad-scenario.yaml", """
            gpus:
              - model: A100-SXM4-40GB
                mode: mig
                mig: [{profile: 3g.20gb, start: 2}]
            """);

        var (code, _, stderr) = await DaemonProcess.RunToEndAsync(["run", "--backend", "sim", "--scenario", file, "--listen", $"127.0.0.1:{DaemonProcess.FreePort()}"]);

        Assert.Equal(2, code);
        Assert.Contains("gpus[0].mig[0].profile", stderr, StringComparison.Ordinal);
        Assert.Contains("cannot start at memory slice 2 (allowed: 0, 4)", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_AutoBackendWithoutNvml_Exits2NamingBackendSim()
    {
        // Point the loader at a directory with no libnvidia-ml.so.1 so a developer machine with a GPU still tests the no-GPU path.
        using var dir = new TempDir();
        var (code, _, stderr) = await DaemonProcess.RunToEndAsync(
            ["run", "--backend", "auto", "--listen", $"127.0.0.1:{DaemonProcess.FreePort()}"],
            new Dictionary<string, string> { ["LD_LIBRARY_PATH"] = dir.Path, ["GPUQOS_NVML_LIBRARY"] = System.IO.Path.Combine(dir.Path, "libnvidia-ml.so.1") });

        Assert.Equal(2, code);
        Assert.Contains("--backend sim", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_TeachesTheFirstCommand_AndVersionPrints()
    {
        var (code, stdout, _) = await DaemonProcess.RunToEndAsync(["--help"]);
        Assert.Equal(0, code);
        Assert.Contains("gpuqos run --backend sim", stdout, StringComparison.Ordinal);
        foreach (var verb in new[] { "run", "validate", "status" })
        {
            Assert.Contains(verb, stdout, StringComparison.Ordinal);
        }

        (code, stdout, _) = await DaemonProcess.RunToEndAsync(["--version"]);
        Assert.Equal(0, code);
        Assert.Matches(@"^\d+\.\d+\.\d+", stdout.Trim());
    }

    [Fact]
    public async Task Status_DaemonUnreachable_ExplainsAndExits2()
    {
        var (code, _, stderr) = await DaemonProcess.RunToEndAsync(["status", "--url", $"http://127.0.0.1:{DaemonProcess.FreePort()}"]);
        Assert.Equal(2, code);
        Assert.Contains("Is the daemon running", stderr, StringComparison.Ordinal);
    }
}
