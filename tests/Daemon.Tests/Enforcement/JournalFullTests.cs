using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using GpuQos.Daemon.Tests.Nvml;
using GpuQos.Daemon.Tests.TestSupport;
using GpuQos.Enforcer.Journal;
using GpuQos.Enforcer.Policies;
using Xunit.Abstractions;

namespace GpuQos.Daemon.Tests.Enforcement;

/// <summary>
/// Issue #9's journal fault on the real daemon: the journal cannot grow (a file size limit set on the running
/// daemon with prlimit(1), so write(2) fails with EFBIG as it fails with ENOSPC on a full disk, after writing
/// part of the line). Journal before act means the breach is refused, not acted on; the daemon stays up and
/// keeps monitoring, the failure is counted and logged once, the journal holds no torn line, and enforcement
/// starts by itself once the journal can be written again.
/// </summary>
[Collection(CpuTimingCollection.Name)]
public sealed class JournalFullTests(NvmlStubBuild stub, ITestOutputHelper output) : IClassFixture<NvmlStubBuild>
{
    [Fact]
    public async Task JournalCannotGrow_BreachRefusedNothingStopped_EnforcesOnceWritable()
    {
        using var core = ContendedCore.Start(stub);
        var (noisy, journal) = (core.Noisy, core.Journal);
        var config = core.WriteConfig(ContendedCore.Tenants + core.Enforcement + ContendedCore.FloorPolicy(lockClocks: false));

        await using var daemon = await DaemonProcess.StartAsync(["--backend", "nvml", "--config", config], core.Environment());

        // 100 bytes: the first apply line (a few hundred) is cut off part-way, the torn case a full disk gives.
        await Prlimit(daemon.ProcessId, "100:unlimited");
        var clock = Stopwatch.StartNew();
        var stopped = false;
        while (await JournalErrors(daemon) < 3 && clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            for (var i = 0; i < 25; i++)
            {
                stopped |= ProcState.Of(noisy.Pid) == 'T';
                await Task.Delay(20);
            }
        }

        output.WriteLine($"{await JournalErrors(daemon)} journal errors after {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.True(await JournalErrors(daemon) >= 3, "the breach never hit the journal:\n" + daemon.Output);
        Assert.False(stopped, "a process was stopped although its throttle could not be journaled");
        Assert.Empty(ActionJournal.Outstanding(ActionJournal.ReadAll(journal)));
        AssertEveryLineParses(journal);
        Assert.True(new FileInfo(journal).Length <= 100);
        using (var ready = await daemon.Http.GetAsync("/readyz"))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }

        Assert.Contains(await Actions(daemon), a => a.Action == KnownPolicyTypes.Actions.Throttle && a.Result == "refused" && a.Detail.Contains("cannot be written", StringComparison.Ordinal));
        Assert.Equal(1, Occurrences(daemon.Output, "cannot be written; no action is applied"));

        // Space returns: the next cycle journals and throttles, with no restart.
        await Prlimit(daemon.ProcessId, "unlimited:unlimited");
        clock.Restart();
        while (!(ProcState.Of(noisy.Pid) == 'T' && Throttled(journal, noisy.Pid)) && clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(5);
        }

        Assert.True(Throttled(journal, noisy.Pid), "enforcement did not resume once the journal could be written:\n" + daemon.Output);
        AssertEveryLineParses(journal);

        // The enforcer logs the recovery at the end of the cycle that applied the throttle, and the console
        // logger writes from its own queue: the line can reach the pipe a moment after the throttle shows.
        clock.Restart();
        while (!daemon.Output.Contains("can be written again", StringComparison.Ordinal) && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(20);
        }

        Assert.Contains("can be written again", daemon.Output, StringComparison.Ordinal);

        Assert.Equal(0, await daemon.StopAsync());
        Assert.Contains(ProcState.Of(noisy.Pid), "RS");
        AssertEveryLineParses(journal);
    }

    private static void AssertEveryLineParses(string journal)
    {
        foreach (var line in File.ReadAllLines(journal).Where(l => l.Length > 0))
        {
            using var parsed = JsonDocument.Parse(line);
            Assert.Equal(JsonValueKind.Object, parsed.RootElement.ValueKind);
        }
    }

    private static bool Throttled(string journal, int pid) =>
        ActionJournal.Outstanding(ActionJournal.ReadAll(journal))
            .Any(e => e.Action == KnownPolicyTypes.Actions.Throttle && (e.Processes ?? []).Any(p => p.Pid == pid));

    private static async Task<double> JournalErrors(DaemonProcess daemon) =>
        ExpositionParser.Parse(await daemon.ScrapeAsync()).Single(s => s.Name == "gpuqos_enforcement_journal_errors_total").Value;

    private static async Task<List<(string? Action, string? Result, string Detail)>> Actions(DaemonProcess daemon)
    {
        using var json = JsonDocument.Parse(await daemon.Http.GetStringAsync("/api/v1/actions"));
        return json.RootElement.EnumerateArray()
            .Select(a => (a.GetProperty("action").GetString(), a.GetProperty("result").GetString(), a.GetProperty("detail").GetString() ?? ""))
            .ToList();
    }

    private static int Occurrences(string text, string what)
    {
        var count = 0;
        for (var i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    /// <summary>Sets the running daemon's file size limit (soft:hard, in bytes) with prlimit(1).</summary>
    private static async Task Prlimit(int pid, string limit)
    {
        using var prlimit = Process.Start(new ProcessStartInfo("prlimit", ["--pid", pid.ToString(CultureInfo.InvariantCulture), "--fsize=" + limit]) { UseShellExecute = false, RedirectStandardError = true })!;
        var error = await prlimit.StandardError.ReadToEndAsync();
        await prlimit.WaitForExitAsync();
        Assert.True(prlimit.ExitCode == 0, "prlimit failed: " + error);
    }
}
