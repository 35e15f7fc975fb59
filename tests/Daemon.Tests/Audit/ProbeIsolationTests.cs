using GpuQos.IsolationProbes.Audit;
using Xunit.Abstractions;

namespace GpuQos.Daemon.Tests.Audit;

/// <summary>
/// Each probe, run in real worker processes on the CPU accelerator, can fail as well as pass. The machine
/// is shared and noisy, so timing claims compare slowdowns relative to each other, not to absolute numbers.
/// </summary>
[Collection(ProbeWorkerCollection.Name)]
public sealed class ProbeIsolationTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Compute_PartitionsSharingACore_FailIsolation()
    {
        var victim = ProbeWorkers.Cpu("victim", 0);
        var sameCore = ProbeWorkers.Cpu("same-core", 0);
        var otherCore = ProbeWorkers.Cpu("other-core", ProbeWorkers.OtherCore);
        var report = await ProbeWorkers.RunAsync(ProbeWorkers.Plan([(victim, sameCore), (victim, otherCore)], [ProbeKind.Compute]));

        var shared = report.Results.Single(r => r.Aggressor == "same-core");
        var separate = report.Results.Single(r => r.Aggressor == "other-core");
        output.WriteLine(shared.Summary);

        // Printed for the record, not asserted: on a heavily loaded shared host the separate-core slowdown
        // is dominated by other tenants' load (see docs/probes.md), so only the shared-core failure is a claim.
        output.WriteLine(separate.Summary);
        Assert.Equal(ProbeVerdicts.Failed, shared.Verdict);
        Assert.True(shared.SlowdownLow > 1.5, $"shared-core slowdown CI starts at {shared.SlowdownLow:0.###}");
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
}
