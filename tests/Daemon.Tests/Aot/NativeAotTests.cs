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

    [Theory]
    [InlineData(typeof(global::GpuQos.Daemon.Configuration.GpuQosOptions), 140)]
    [InlineData(typeof(global::GpuQos.Backends.Simulation.ScenarioOptions), 40)]
    public async Task Validate_DocumentSettingEveryKey_EveryKeyKnownAndTheSameErrorsAsUnderTheJit(Type root, int atLeast)
    {
        // Every key of every options class reached from the root, found by reflection in this test: a property that the
        // binding generator missed, or that trimming dropped from the published binary, is an "unknown key" here.
        var (yaml, keys) = EveryKeyDocument.For(root);
        Assert.True(keys >= atLeast, $"only {keys} keys:\n{yaml}");
        var file = Path.Combine(_dir.Path, root.Name + ".yaml");
        await File.WriteAllTextAsync(file, yaml);
        string[] args = root == typeof(global::GpuQos.Daemon.Configuration.GpuQosOptions) ? ["validate", file] : ["validate", "--scenario", file];

        var (_, publishedOut, published) = await DaemonProcess.RunToEndAsync(args);
        var (_, _, jit) = await DaemonProcess.RunToEndAsync(args, build: DaemonBuild.Jit);

        Assert.DoesNotContain("unknown key", published + publishedOut, StringComparison.Ordinal);
        Assert.DoesNotContain(": expected ", published, StringComparison.Ordinal);
        Assert.DoesNotContain("is not one of", published, StringComparison.Ordinal);
        // The validation attributes and IValidatableObject rules the values break (a sample "x" is no valid name, 0.5
        // is below many ranges) are reported alike: the trimmed binary kept every one the JIT build has.
        Assert.Equal(jit, published);
    }

    public void Dispose() => _dir.Dispose();
}
