using System.Globalization;
using System.Text.Json;
using GpuQos.IsolationProbes.Audit;
using GpuQos.IsolationProbes.Worker;
using Xunit.Abstractions;

namespace GpuQos.Daemon.Tests.Audit;

/// <summary>
/// Issue 26: probe workers ran as root with the daemon's capabilities and whole environment, at nice -20, and
/// the remanence canary was a public constant. These start real workers (the built gpuqos.dll under dotnet).
/// The test host runs as root here, so the switch to <c>nobody</c> is the real one.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class UnprivilegedWorkerTests(ITestOutputHelper output) : IDisposable
{
    private const long OldPublicCanary = 0x6770_7571_6F73_2143;
    private readonly string _dir = Directory.CreateTempSubdirectory("gpuqos-worker-").FullName;

    [Fact]
    public async Task Worker_StartedByRoot_RunsAsNobodyWithoutCapabilitiesOrTheDaemonsEnvironment()
    {
        var marker = "GPUQOS_TEST_MARKER_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(marker, "daemon-secret");
        try
        {
            await using var worker = await WorkerClient.StartAsync(
                ProbeWorkers.Launch.AsUser("nobody"), ProbeWorkers.Cpu("tenant", 0), TimeSpan.FromSeconds(60), limitMemory: false, CancellationToken.None);

            var status = File.ReadAllLines($"/proc/{worker.ProcessId}/status").ToDictionary(l => l.Split(':')[0], l => l[(l.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim());
            var environment = File.ReadAllText($"/proc/{worker.ProcessId}/environ").Split('\0', StringSplitOptions.RemoveEmptyEntries);
            var nice = int.Parse(File.ReadAllText($"/proc/{worker.ProcessId}/stat").Split(") ")[1].Split(' ')[16], CultureInfo.InvariantCulture);
            output.WriteLine($"Uid {status["Uid"]}, Gid {status["Gid"]}, CapEff {status["CapEff"]}, CapPrm {status["CapPrm"]}, nice {nice}; environment: {string.Join(' ', environment.Select(e => e.Split('=')[0]))}");

            var expectedUid = Environment.UserName == "root" ? "65534" : Own("Uid");
            Assert.All(status["Uid"].Split('\t', StringSplitOptions.RemoveEmptyEntries), uid => Assert.Equal(expectedUid, uid));
            if (Environment.UserName == "root")
            {
                Assert.All(status["Gid"].Split('\t', StringSplitOptions.RemoveEmptyEntries), gid => Assert.Equal("65534", gid));
            }

            Assert.Equal(0UL, ulong.Parse(status["CapEff"], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
            Assert.Equal(0UL, ulong.Parse(status["CapPrm"], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
            Assert.DoesNotContain(environment, e => e.StartsWith(marker, StringComparison.Ordinal));
            Assert.Contains("PATH=" + WorkerLaunch.WorkerPath, environment);
            Assert.True(nice >= 0, $"the worker runs at nice {nice}");
            Assert.Equal("cpu", worker.Info.Accelerator);
        }
        finally
        {
            Environment.SetEnvironmentVariable(marker, null);
        }
    }

    [SkippableFact]
    public async Task Audit_StartedByRoot_RunsItsPreflightWorkerAsNobodyToo()
    {
        Skip.IfNot(Environment.UserName == "root", "only root switches users");
        var log = Path.Combine(_dir, "uids.log");
        File.WriteAllText(log, "");
        File.SetUnixFileMode(_dir, (UnixFileMode)0x1FF);
        File.SetUnixFileMode(log, (UnixFileMode)0x1B6);
        var recording = new WorkerLaunch("/bin/sh", ["-c", "echo \"$(id -u) $*\" >> \"$0\"; exec \"$@\"", log, ProbeWorkers.Launch.FileName, .. ProbeWorkers.Launch.PrefixArguments]);
        var plan = ProbeWorkers.Plan([(ProbeWorkers.Cpu("first", 0), ProbeWorkers.Cpu("second", ProbeWorkers.OtherCore))], [ProbeKind.Capacity]);

        var report = await new AuditCoordinator(plan, recording, TimeProvider.System).RunAsync(null, CancellationToken.None);

        var starts = File.ReadAllLines(log);
        output.WriteLine(string.Join('\n', starts));
        Assert.All(report.Results, r => Assert.True(r.Verdict != ProbeVerdicts.Error, r.Summary));
        Assert.Single(starts, s => s.Contains(WorkerPreflight.Flag, StringComparison.Ordinal));
        Assert.Equal(3, starts.Length);
        Assert.All(starts, s => Assert.StartsWith("65534 ", s, StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task Worker_WorkerUserThatDoesNotExist_FailsNamingTheSetting()
    {
        Skip.IfNot(Environment.UserName == "root", "only root switches users");

        var ex = await Assert.ThrowsAsync<ProbeWorkerException>(() => WorkerClient.StartAsync(
            ProbeWorkers.Launch.AsUser("gpuqos-no-such-user"), ProbeWorkers.Cpu("tenant", 0), TimeSpan.FromSeconds(60), limitMemory: false, CancellationToken.None));

        Assert.Contains("audit.workerUser", ex.Message, StringComparison.Ordinal);
        Assert.Contains("gpuqos-no-such-user", ex.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Worker_WorkerNiceConfigured_TheCoordinatorSetsItOnEveryThread()
    {
        Skip.IfNot(Environment.UserName == "root", "raising a priority needs root");
        await using var worker = await WorkerClient.StartAsync(
            ProbeWorkers.Launch.AsUser("nobody") with { Nice = -7 }, ProbeWorkers.Cpu("tenant", 0), TimeSpan.FromSeconds(60), limitMemory: false, CancellationToken.None);

        var nices = Directory.EnumerateDirectories($"/proc/{worker.ProcessId}/task")
            .Select(t => int.Parse(File.ReadAllText(Path.Combine(t, "stat")).Split(") ")[1].Split(' ')[16], CultureInfo.InvariantCulture))
            .ToList();

        Assert.All(nices, n => Assert.Equal(-7, n));
        Assert.Null(worker.Info.Note);
    }

    [Fact]
    public async Task Audit_TwoRuns_WriteDifferentRandomCanaries()
    {
        var first = await CanariesOfOneRunAsync("first");
        var second = await CanariesOfOneRunAsync("second");

        output.WriteLine($"canaries: {first:X16}, {second:X16}");
        Assert.NotEqual(first, second);
        Assert.NotEqual(OldPublicCanary, first);
        Assert.NotEqual(OldPublicCanary, second);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>
    /// Runs a remanence-only audit whose workers start through <c>sh -c 'tee -a LOG | dotnet gpuqos.dll …'</c>,
    /// so the log holds every request the coordinator sent; returns the one pattern its canary requests used.
    /// </summary>
    private async Task<long> CanariesOfOneRunAsync(string name)
    {
        var log = Path.Combine(_dir, name + ".log");
        File.WriteAllText(log, "");
        File.SetUnixFileMode(_dir, (UnixFileMode)0x1FF);
        File.SetUnixFileMode(log, (UnixFileMode)0x1B6);
        var recording = new WorkerLaunch("/bin/sh", ["-c", "tee -a \"$0\" | \"$@\"", log, ProbeWorkers.Launch.FileName, .. ProbeWorkers.Launch.PrefixArguments]);
        var plan = ProbeWorkers.Plan([(ProbeWorkers.Cpu("reader", 0), ProbeWorkers.Cpu("writer", ProbeWorkers.OtherCore))], [ProbeKind.Remanence]);

        var report = await new AuditCoordinator(plan, recording, TimeProvider.System).RunAsync(null, CancellationToken.None);

        var result = Assert.Single(report.Results);
        Assert.True(result.Verdict != ProbeVerdicts.Error, result.Summary);
        var patterns = File.ReadAllLines(log)
            .Select(l => JsonDocument.Parse(l).RootElement)
            .Where(r => r.GetProperty("op").GetString() is WorkerOps.CanaryWrite or WorkerOps.CanaryScan)
            .Select(r => r.GetProperty("pattern").GetInt64())
            .ToList();
        Assert.Equal(2, patterns.Count);
        return Assert.Single(patterns.Distinct());
    }

    private static string Own(string field) =>
        File.ReadAllLines("/proc/self/status").First(l => l.StartsWith(field + ":", StringComparison.Ordinal)).Split('\t', StringSplitOptions.RemoveEmptyEntries)[1];
}
