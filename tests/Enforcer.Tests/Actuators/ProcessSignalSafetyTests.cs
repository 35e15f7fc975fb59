using System.Diagnostics;
using System.Globalization;
using GpuQos.Enforcer.Actuators;
using GpuQos.Enforcer.Tests.TestSupport;
using GpuQos.Model.Attribution;
using GpuQos.Model.Devices;
using GpuQos.Model.Procfs;
using GpuQos.Model.Snapshots;

namespace GpuQos.Enforcer.Tests.Actuators;

/// <summary>
/// Issue #26: a process is acted on as the snapshot saw it (PID and start time), through a pidfd opened
/// before that start time is checked, and never when it is PID 1, the daemon or one of its own processes, a
/// kernel thread, or the MPS server (unless allowed). Real processes throughout; "the daemon" is this test host.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ProcessSignalSafetyTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("gpuqos-signals-");

    [Fact]
    public async Task Identify_SnapshotStartTimeNoLongerMatches_NotActedOn()
    {
        // PID reuse, simulated: the snapshot saw a process with this PID and an earlier start time; the process
        // that has the PID now is another. Read at action time, its identity would have been taken as the target's.
        using var now = Orphan.Start();
        using var actuator = new OsProcessActuator(TimeSpan.FromMilliseconds(50), TimeProvider.System);
        var start = ProcStat.Read(now.Pid)!.Value.StartTime;

        Assert.Null(actuator.Identify(Snapshot(now.Pid, start - 1)));
        Assert.Null(actuator.Identify(Snapshot(now.Pid, startTime: null)));
        Assert.Equal(new ProcessKey(now.Pid, start), actuator.Identify(Snapshot(now.Pid, start)));

        actuator.SetDutyCycle(new ProcessKey(now.Pid, start - 1), 0);
        await AssertNeverStopped(now.Pid);
    }

    [Fact]
    public async Task Signal_ThroughPidfd_MatchingIdentityStopsAndContinues_MismatchSendsNothing()
    {
        using var target = Orphan.Start();
        var key = new ProcessKey(target.Pid, ProcStat.Read(target.Pid)!.Value.StartTime);

        Assert.False(DutyCycleThrottler.Signal(key with { StartTime = key.StartTime + 1 }, Libc.SigStop));
        await AssertNeverStopped(target.Pid);

        Assert.True(DutyCycleThrottler.Signal(key, Libc.SigStop));
        await WaitForState(target.Pid, 'T');
        Assert.True(DutyCycleThrottler.Continue(key));
        await WaitForState(target.Pid, 'S');
    }

    [Fact]
    public void Exclusions_Init_Self_AndOwnChildren_Refused_AnUnrelatedProcessAllowed()
    {
        var exclusions = ProcessExclusions.ForDaemon();
        using var child = Process.Start(new ProcessStartInfo("sleep", ["60"]) { UseShellExecute = false })!;
        using var grandchild = Orphan.Start();
        try
        {
            Assert.Contains("init", exclusions.Why(1), StringComparison.Ordinal);
            Assert.NotNull(exclusions.Why(0));
            Assert.Contains("daemon", exclusions.Why(Environment.ProcessId), StringComparison.Ordinal);
            Assert.Contains("daemon", exclusions.Why(child.Id), StringComparison.Ordinal);
            Assert.Null(exclusions.Why(grandchild.Pid));
        }
        finally
        {
            child.Kill();
        }
    }

    [Fact]
    public async Task Actuator_OwnChild_NeitherStoppedNorReniced()
    {
        using var child = Process.Start(new ProcessStartInfo("sleep", ["60"]) { UseShellExecute = false })!;
        try
        {
            using var actuator = new OsProcessActuator(TimeSpan.FromMilliseconds(50), TimeProvider.System);
            var key = new ProcessKey(child.Id, ProcStat.Read(child.Id)!.Value.StartTime);

            Assert.Null(actuator.Identify(Snapshot(child.Id, key.StartTime)));
            Assert.Throws<InvalidOperationException>(() => actuator.SetDutyCycle(key, 0));
            Assert.Throws<InvalidOperationException>(() => actuator.SetNice(key, 15));
            Assert.Throws<InvalidOperationException>(() => actuator.SetDutyCycle(new ProcessKey(1, ProcStat.Read(1)?.StartTime ?? 0), 0));
            await AssertNeverStopped(child.Id);
            Assert.Equal(0, Nice(child.Id));
        }
        finally
        {
            child.Kill();
        }
    }

    [Fact]
    public void Exclusions_KernelThread_Refused()
    {
        // A procfs fixture: kernel threads are found by PF_KTHREAD in /proc/PID/stat, whatever their parent.
        var proc = Directory.CreateDirectory(Path.Combine(_dir.FullName, "proc"));
        WriteStat(proc, 57, "57 (kworker/0:1-events) I 2 0 0 0 -1 69238880 0 0 0 0 0 12 0 0 20 0 1 0 40 0 0");
        WriteStat(proc, 58, "58 (worker) S 900 58 58 0 -1 2097216 0 0 0 0 0 12 0 0 20 0 1 0 40 0 0");
        WriteStat(proc, 59, "59 (python3) S 900 59 59 0 -1 4194560 0 0 0 0 0 12 0 0 20 0 1 0 40 0 0");
        var exclusions = new ProcessExclusions(daemon: 12345, procRoot: proc.FullName);

        Assert.Contains("kernel thread", exclusions.Why(57), StringComparison.Ordinal);
        Assert.Contains("kernel thread", exclusions.Why(58), StringComparison.Ordinal);
        Assert.Null(exclusions.Why(59));

        // And on this host's own procfs, where kernel threads are visible (kthreadd's children).
        var kernelThread = Directory.GetDirectories("/proc").Select(Path.GetFileName).Select(n => int.TryParse(n, CultureInfo.InvariantCulture, out var pid) ? pid : 0)
            .FirstOrDefault(pid => pid > 2 && ProcStat.Read(pid) is { IsKernelThread: true });
        if (kernelThread > 0)
        {
            Assert.Contains("kernel thread", ProcessExclusions.ForDaemon().Why(kernelThread), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Exclusions_MpsServerByExecutable_RefusedUnlessAllowed()
    {
        var path = Path.Combine(_dir.FullName, ProcessExecutable.MpsServer);
        File.Copy("/bin/sleep", path);
        File.SetUnixFileMode(path, (UnixFileMode)0x1ED); // 0755
        using var server = Orphan.Start(path);

        Assert.Contains("MPS server", new ProcessExclusions(Environment.ProcessId).Why(server.Pid), StringComparison.Ordinal);
        Assert.Null(new ProcessExclusions(Environment.ProcessId, actOnMpsServer: true).Why(server.Pid));
    }

    public void Dispose() => _dir.Delete(recursive: true);

    private static ProcessSnapshot Snapshot(int pid, long? startTime) => new(
        new ProcessReading { Pid = pid, Name = "sleep", PartitionId = "whole" },
        null,
        new ProcessAttribution("", "", "", "tenant") { StartTime = startTime });

    private static void WriteStat(DirectoryInfo proc, int pid, string stat) =>
        File.WriteAllText(Path.Combine(proc.CreateSubdirectory(pid.ToString(CultureInfo.InvariantCulture)).FullName, "stat"), stat + "\n");

    private static async Task AssertNeverStopped(int pid)
    {
        for (var i = 0; i < 20; i++)
        {
            Assert.NotEqual('T', ProcStat.Read(pid)!.Value.State);
            await Task.Delay(10);
        }
    }

    private static async Task WaitForState(int pid, char state)
    {
        var clock = Stopwatch.StartNew();
        while (ProcStat.Read(pid)?.State != state)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"process {pid} never reached state {state}");
            await Task.Delay(10);
        }
    }

    /// <summary>Field 19 of /proc/PID/stat.</summary>
    private static int Nice(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[16], CultureInfo.InvariantCulture);
    }
}
