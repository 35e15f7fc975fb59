using System.Text.Json;
using GpuQos.Daemon.Cli;
using GpuQos.Daemon.Http.Api;
using GpuQos.Daemon.Tests.TestSupport;
using Spectre.Console.Testing;

namespace GpuQos.Daemon.Tests.Operations;

public sealed class StatusCommandTests
{
    [Fact]
    public async Task Status_DemoDaemon_PrintsGpusPartitionsAndTenantsTables()
    {
        await using var daemon = await DaemonProcess.StartAsync(["--backend", "sim"]);

        var (code, stdout, stderr) = await DaemonProcess.RunToEndAsync(["status", "--url", daemon.BaseUri.ToString()]);

        Assert.True(code == 0, stderr);
        foreach (var expected in new[] { "GPUs", "Partitions", "Tenants", "NVIDIA H100 80GB HBM3", "NVIDIA L40S", "3g.40gb", "vgpu-1", "2g.20gb", "mig", "vgpu", "time-sliced", "backend sim" })
        {
            Assert.Contains(expected, stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task StatusJson_DemoDaemon_PrintsTheStateDocument()
    {
        await using var daemon = await DaemonProcess.StartAsync(["--backend", "sim"]);

        var (code, stdout, _) = await DaemonProcess.RunToEndAsync(["status", "--json", "--url", daemon.BaseUri.ToString()]);

        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(stdout);
        Assert.Equal(5, doc.RootElement.GetProperty("gpus").GetArrayLength());
        Assert.Equal("sim", doc.RootElement.GetProperty("backend").GetString());
    }

    [Fact]
    public async Task Status_DaemonRequiringTheToken_WorksOnlyWithTokenFile()
    {
        using var dir = new TempDirectory();
        var token = dir.Write("token", "0123456789abcdef0123456789abcdef");
        var config = dir.Write("gpuqos.yaml", $"web:\n  tokenFile: {token}\n  readAuth: token\n", UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await using var daemon = await DaemonProcess.StartAsync(["--backend", "sim", "--config", config]);

        var (refused, _, refusedError) = await DaemonProcess.RunToEndAsync(["status", "--json", "--url", daemon.BaseUri.ToString()]);
        var (code, stdout, stderr) = await DaemonProcess.RunToEndAsync(["status", "--json", "--url", daemon.BaseUri.ToString(), "--token-file", token]);

        Assert.Equal(2, refused);
        Assert.Contains("401", refusedError, StringComparison.Ordinal);
        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        Assert.Equal("sim", doc.RootElement.GetProperty("backend").GetString());
    }

    [Fact]
    public async Task Status_NoDaemon_ExitsTwoWithAClearError()
    {
        var url = $"http://127.0.0.1:{DaemonProcess.FreePort()}";

        var (code, _, stderr) = await DaemonProcess.RunToEndAsync(["status", "--url", url]);

        Assert.Equal(2, code);
        Assert.Contains("cannot reach the daemon at " + url, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_SlaAndActions_RendersHumanUnitsAndNoUuids()
    {
        var now = new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);
        var (state, actions) = SlaState(now);
        var console = new TestConsole { EmitAnsiSequences = false }.Width(120);

        StateTables.Write(console, new Uri("http://127.0.0.1:9450"), state, actions, now, wide: false);

        var output = console.Output;
        foreach (var expected in new[]
        {
            "SLA states", "memory-ceiling", "enforcing", "42 s ago", "max-memory 32.0/24.0 GiB", "dry-run: priority",
            "search-share", "min-sm-share 12.5/30.0%", "held: cooldown", "broken-policy", "failed",
            "Recent actions", "priority", "dry-run", "3 min ago", "taken 1 s ago",
        })
        {
            Assert.Contains(expected, output, StringComparison.Ordinal);
        }

        // Too long for 120 columns: clipped with an ellipsis, not wrapped onto a second line.
        Assert.Matches("│ a-policy-name-[a-z-]*… ", output);
        Assert.DoesNotContain("a-policy-name-much-longer-than-the-column", output, StringComparison.Ordinal);
        Assert.DoesNotContain(Uuid, output, StringComparison.Ordinal);
        Assert.DoesNotContain("34359738368", output, StringComparison.Ordinal);
        Assert.DoesNotContain("2026-12-06T", output, StringComparison.Ordinal);
        Assert.All(output.Split('\n'), line => Assert.True(line.TrimEnd('\r').Length <= 120, $"{line.Length} columns: {line}"));
    }

    [Fact]
    public void Write_Wide_AddsUuidsAndFullText()
    {
        var now = new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);
        var (state, actions) = SlaState(now);
        var console = new TestConsole { EmitAnsiSequences = false }.Width(400);

        StateTables.Write(console, new Uri("http://127.0.0.1:9450"), state, actions, now, wide: true);

        Assert.Contains(Uuid, console.Output, StringComparison.Ordinal);
        Assert.Contains("priority: 3 process(es) reniced to 10", console.Output, StringComparison.Ordinal);
        Assert.Contains("2026-12-06T11:59:18", console.Output, StringComparison.Ordinal);
    }

    private const string Uuid = "GPU-d680c776-6991-c093-e637-5d5194bcefa5";

    private static (StateDocument State, IReadOnlyList<ActionEntry> Actions) SlaState(DateTimeOffset now)
    {
        var state = new StateDocument
        {
            Timestamp = now.AddSeconds(-1),
            Sequence = 7,
            Backend = "sim",
            Gpus = [new GpuState { Index = 1, Uuid = Uuid, Name = "NVIDIA A100-SXM4-80GB" }],
            Sla =
            [
                new SlaRow
                {
                    Policy = "memory-ceiling", Tenant = "research", Gpu = 1, Uuid = Uuid, State = "enforcing", Since = now.AddSeconds(-42),
                    Mode = "dry-run", Objective = "max-memory", Value = 34359738368, Target = 25769803776, Objectives = "max-memory 34359738368/25769803776 violated",
                    Breaches = 1, BreachSeconds = 42, Actions = "priority: 3 process(es) reniced to 10", Holds = [],
                },
                new SlaRow
                {
                    Policy = "search-share", Tenant = "search", Gpu = 1, Uuid = Uuid, State = "breached", Since = now.AddSeconds(-5),
                    Mode = "enforce", Objective = "min-sm-share", Value = 0.125, Target = 0.3, Objectives = "min-sm-share 0.125/0.3 violated",
                    Breaches = 2, BreachSeconds = 5, Actions = "", HeldBack = "cooldown until 12:00:30", Holds = [],
                },
                new SlaRow { Policy = "broken-policy", State = "failed", Error = "objective type 'p99' is not known" },
                new SlaRow
                {
                    Policy = "a-policy-name-much-longer-than-the-column", Tenant = "a-tenant-with-a-long-name", Gpu = 1, Uuid = Uuid, State = "recovering",
                    Since = now.AddHours(-3), Mode = "enforce", Objective = "max-sm-share", Value = 1, Target = 1, Actions = "throttle: duty 0.5 on 12 processes; freeze: 2 cgroups", Holds = [],
                },
            ],
        };
        IReadOnlyList<ActionEntry> actions = [new ActionEntry(now.AddMinutes(-3), 1, "memory-ceiling", "research", 1, Uuid, "priority", "dry-run", "3 process(es) reniced to 10")];
        return (state, actions);
    }
}
