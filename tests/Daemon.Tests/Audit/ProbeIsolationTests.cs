using GpuQos.Daemon.Tests.TestSupport;
using System.Globalization;
using GpuQos.IsolationProbes.Audit;
using GpuQos.IsolationProbes.Worker;
using Xunit.Abstractions;

namespace GpuQos.Daemon.Tests.Audit;

/// <summary>
/// Each probe, run in real worker processes on the CPU accelerator, can fail as well as pass. The machine
/// is shared and noisy, so timing claims compare slowdowns relative to each other, not to absolute numbers.
/// </summary>
[Collection(CpuTimingCollection.Name)]
public sealed class ProbeIsolationTests(ITestOutputHelper output)
{
    /// <summary>Paired rounds of the separate-core test; their median ratio is the claim.</summary>
    private const int SeparateCoreRounds = 7;

    /// <summary>How much larger the same-core slowdown must be (see docs/probes.md for the runs behind it).</summary>
    private const double SeparateCoreMargin = 1.3;

    [Fact]
    public async Task Compute_PartitionsSharingACore_FailIsolation()
    {
        var victim = ProbeWorkers.Cpu("victim", 0);
        var sameCore = ProbeWorkers.Cpu("same-core", 0);
        var otherCore = ProbeWorkers.Cpu("other-core", ProbeWorkers.OtherCore);
        // 32 timings a side rather than the default 16: with 16, one CI run on a loaded two-core machine saw
        // a 1.88x median whose 95% interval still began at 1.14, under the 1.5x threshold.
        var report = await ProbeWorkers.RunAsync(ProbeWorkers.Plan([(victim, sameCore), (victim, otherCore)], [ProbeKind.Compute], repetitions: 32));

        var shared = report.Results.Single(r => r.Aggressor == "same-core");
        var separate = report.Results.Single(r => r.Aggressor == "other-core");
        output.WriteLine(shared.Summary);
        output.WriteLine(separate.Summary);
        Assert.Equal(ProbeVerdicts.Failed, shared.Verdict);
        Assert.True(shared.SlowdownLow > 1.5, $"shared-core slowdown CI starts at {shared.SlowdownLow:0.###}");
    }

    [SkippableFact]
    public async Task Compute_PartitionsOnSeparateCores_SlowDownLessThanOnASharedCore()
    {
        Skip.If(Environment.ProcessorCount < 2, "one core: there is no separate core to place the aggressor on");

        // One victim and two aggressors, in rounds that measure both pairs back to back (in alternating order),
        // so the host's other load weighs on both slowdowns alike and each round gives one same/separate ratio.
        // A single separate-core figure is not a claim: while the aggressor holds the other core, the host's
        // other load moves onto the victim's (see docs/probes.md).
        var plan = ProbeWorkers.Plan([], [ProbeKind.Compute], repetitions: 8);
        await using var victim = await StartAsync(ProbeWorkers.Cpu("victim", 0));
        await using var sameCore = await StartAsync(ProbeWorkers.Cpu("same-core", 0));
        await using var otherCore = await StartAsync(ProbeWorkers.Cpu("other-core", ProbeWorkers.OtherCore));
        var shared = new List<double>();
        var separate = new List<double>();
        var ratios = new List<double>();
        for (var round = 0; round < SeparateCoreRounds; round++)
        {
            var first = round % 2 == 0 ? sameCore : otherCore;
            var second = round % 2 == 0 ? otherCore : sameCore;
            var a = await TimingProbe.RunAsync(ProbeKind.Compute, victim, first, plan, CancellationToken.None);
            var b = await TimingProbe.RunAsync(ProbeKind.Compute, victim, second, plan, CancellationToken.None);
            var (s, o) = round % 2 == 0 ? (a.Slowdown!.Value, b.Slowdown!.Value) : (b.Slowdown!.Value, a.Slowdown!.Value);
            shared.Add(s);
            separate.Add(o);
            ratios.Add(s / o);
            output.WriteLine($"round {round}: same core {s:0.###}x, separate cores {o:0.###}x, ratio {s / o:0.###}");
        }

        var medianRatio = ProbeStatistics.Median(ratios);
        output.WriteLine($"median slowdown: same core {ProbeStatistics.Median(shared):0.###}x, separate cores {ProbeStatistics.Median(separate):0.###}x; median ratio {medianRatio:0.###}");
        Assert.True(
            medianRatio > SeparateCoreMargin,
            $"same-core slowdowns [{string.Join(", ", shared.Select(x => x.ToString("0.###", CultureInfo.InvariantCulture)))}] are not {SeparateCoreMargin}x the separate-core ones [{string.Join(", ", separate.Select(x => x.ToString("0.###", CultureInfo.InvariantCulture)))}]");
    }

    [Fact]
    public async Task Remanence_MemoryReusedWithinOneProcess_FindsCanary()
    {
        var partition = ProbeWorkers.Cpu("tenant", 0);
        var plan = ProbeWorkers.Plan([], [ProbeKind.Remanence]);
        var result = await MemoryProbes.RemanenceWithinProcessAsync(ProbeWorkers.Launch, partition, plan, CancellationToken.None);

        output.WriteLine(result.Summary);
        Assert.Equal(ProbeVerdicts.Failed, result.Verdict);
        Assert.True(result.Values["canary_words"] > 0);
    }

    [Fact]
    public async Task Remanence_SeparateProcesses_FindNoCanary()
    {
        var writer = ProbeWorkers.Cpu("writer", 0);
        var reader = ProbeWorkers.Cpu("reader", 0);
        var report = await ProbeWorkers.RunAsync(ProbeWorkers.Plan([(reader, writer)], [ProbeKind.Remanence]));

        var result = Assert.Single(report.Results);
        output.WriteLine(result.Summary);
        Assert.Equal(ProbeVerdicts.Passed, result.Verdict);
        Assert.Equal(0, result.Values["canary_words"]);
    }

    [Fact]
    public async Task Capacity_RlimitAsOnWorker_IsFoundAtThatLimit()
    {
        const long limit = 96L << 20;
        var partition = ProbeWorkers.Cpu("limited", 0, limit);
        var plan = ProbeWorkers.Plan([], [ProbeKind.Capacity]);
        var result = await MemoryProbes.CapacityAsync(ProbeWorkers.Launch, partition, plan, CancellationToken.None);

        output.WriteLine(result.Summary);
        var found = result.Values["allocated_bytes"];
        Assert.Equal(ProbeVerdicts.Passed, result.Verdict);
        Assert.InRange(found, limit - ProbeSizes.Cpu.CapacityStepBytes, limit);
    }

    [Fact]
    public async Task Capacity_LimitNotEnforced_Fails()
    {
        var partition = ProbeWorkers.Cpu("unbounded", 0, 48L << 20);
        var plan = ProbeWorkers.Plan([], [ProbeKind.Capacity]);
        var result = await MemoryProbes.CapacityAsync(ProbeWorkers.Launch, partition, plan, CancellationToken.None, enforceLimit: false);

        output.WriteLine(result.Summary);
        Assert.Equal(ProbeVerdicts.Failed, result.Verdict);
        Assert.True(result.Values["allocated_bytes"] > partition.MemoryBytes + ProbeSizes.Cpu.CapacityStepBytes);
    }

    [Fact]
    public async Task Covert_WorkersOnOneCore_DecodeKnownBitsWithMeasuredErrorRate()
    {
        var receiver = ProbeWorkers.Cpu("receiver", 0);
        var sender = ProbeWorkers.Cpu("sender", 0);
        var report = await ProbeWorkers.RunAsync(ProbeWorkers.Plan([(receiver, sender)], [ProbeKind.Covert]));

        var result = Assert.Single(report.Results);
        output.WriteLine(result.Summary);
        Assert.NotNull(result.Trace);
        Assert.Equal(CovertChannelProbe.KnownBits(ProbeSizes.Cpu.CovertBits), result.Trace.Sent);
        // Guessing gives a BER of 0.5 and no significance. On a quiet core the decoder errs about 1 bit in 10; a
        // loaded CI machine has pushed that to 0.2, so the bound leaves room for noise but not for chance.
        Assert.True(result.Values["bit_error_rate"] < 0.35, $"BER {result.Values["bit_error_rate"]:0.###} on a shared core");
        Assert.True(result.PValue < 0.001, $"p = {result.PValue} for the decoded bits");
        Assert.Equal(ProbeVerdicts.Failed, result.Verdict);
    }

    private static Task<WorkerClient> StartAsync(AuditPartition partition) =>
        WorkerClient.StartAsync(ProbeWorkers.Launch, partition, TimeSpan.FromSeconds(60), limitMemory: false, CancellationToken.None);
}
