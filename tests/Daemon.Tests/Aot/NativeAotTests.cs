using GpuQos.Daemon.Tests.TestSupport;

namespace GpuQos.Daemon.Tests.Aot;

/// <summary>
/// The published gpuqos is ahead-of-time compiled: it runs without a JIT, and what the trimmed build could lose
/// (configuration binding by reflection, source-generated JSON with kebab-case enums, the generated request
/// delegates) works in it. The other daemon tests run the same binary (<see cref="DaemonProcess"/>): among them the
/// journal (PolicyReloadTests), OpenTelemetry and OTLP (OpenTelemetryExportTests), the kubelet's gRPC API
/// (PodResourcesAttributionTests), System.CommandLine (CliTests) and the advice JSON (AdviseCommandTests).
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class NativeAotTests : IDisposable
{
    private readonly TempDir _dir = new();

    [Theory]
    [InlineData(DaemonBuild.Published, false)]
    [InlineData(DaemonBuild.Jit, true)]
    public async Task Run_DemoHost_JitCodeMappedOnlyUnderTheJit(DaemonBuild build, bool jitExpected)
    {
        await using var daemon = await DaemonProcess.StartAsync(["--backend", "sim"], build: build);
        Assert.Contains("gpuqos_build_info{", await daemon.ScrapeAsync(), StringComparison.Ordinal);

        // The JIT writes code through a second, writable mapping of the same memory (W^X): a memfd named
        // doublemapper. A native executable has none, and no libclrjit either.
        var maps = await File.ReadAllTextAsync($"/proc/{daemon.ProcessId}/maps");
        Assert.Equal(jitExpected, maps.Contains("doublemapper", StringComparison.Ordinal) || maps.Contains("libclrjit", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Validate_EveryConfigurationKind_BindsInThePublishedBinary()
    {
        // The binder reads options classes by reflection; a trimmed-away property would be an "unknown key".
        foreach (var file in new[] { "demo-config.yaml", "scale-config.yaml" })
        {
            var (code, stdout, stderr) = await DaemonProcess.RunToEndAsync(["validate", RepoPaths.Combine("scenarios", file)]);
            Assert.True(code == 0, $"{file}: {stdout}{stderr}");
        }

        foreach (var scenario in Directory.GetFiles(RepoPaths.Combine("scenarios"), "*.yaml").Where(f => !f.EndsWith("-config.yaml", StringComparison.Ordinal)))
        {
            var (code, stdout, stderr) = await DaemonProcess.RunToEndAsync(["validate", "--scenario", scenario]);
            Assert.True(code == 0, $"{scenario}: {stdout}{stderr}");
        }

        // A misspelt key and a wrong enum value are named with their paths: the binder saw the properties and the enum.
        var bad = Path.Combine(_dir.Path, "bad.yaml");
        await File.WriteAllTextAsync(bad, "settings:\n  interval: 1s\n  histroy: 10m\nenforcement:\n  mode: sometimes\n");
        var (badCode, _, badErr) = await DaemonProcess.RunToEndAsync(["validate", bad]);
        Assert.Equal(1, badCode);
        Assert.Contains("settings.histroy (line 3): unknown key 'histroy' (known keys: ", badErr, StringComparison.Ordinal);
        Assert.Matches("known keys: [^)]*\\bhistory\\b", badErr);
        Assert.Contains("enforcement.mode (line 5): 'sometimes' is not one of: ", badErr, StringComparison.Ordinal);
        Assert.Contains("dry-run", badErr, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();
}
