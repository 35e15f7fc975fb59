using GpuQos.IsolationProbes.Audit;
using GpuQos.IsolationProbes.Kernels;

namespace GpuQos.IsolationProbes.Tests.Audit;

public sealed class VerdictTests
{
    private static AuditPartition Partition(string name, string mode) => new(name, "0", "", mode, AcceleratorChoice.Cuda, [], "MIG-x", 0);

    private static readonly double[] Baseline = [10, 10.1, 9.9, 10.05, 9.95, 10, 10.02, 9.98];

    [Fact]
    public void Decide_MigSlowedTenPercent_Fails()
    {
        var result = TimingProbe.Decide(ProbeKind.Compute, Partition("a", "mig"), Partition("b", "mig"), new AuditOptions(), Baseline, [.. Baseline.Select(b => b * 1.1)]);

        Assert.Equal(ProbeVerdicts.Failed, result.Verdict);
        Assert.Equal(1.05, result.Threshold);
    }

    [Fact]
    public void Decide_MigUnchanged_Passes()
    {
        var result = TimingProbe.Decide(ProbeKind.Compute, Partition("a", "mig"), Partition("b", "mig"), new AuditOptions(), Baseline, [.. Baseline.Reverse()]);

        Assert.Equal(ProbeVerdicts.Passed, result.Verdict);
    }

    [Fact]
    public void Decide_TimeSlicedDoubled_OnlyReportsWithoutAPolicy()
    {
        var result = TimingProbe.Decide(ProbeKind.Compute, Partition("a", "time-sliced"), Partition("a", "time-sliced"), new AuditOptions(), Baseline, [.. Baseline.Select(b => b * 2)]);

        Assert.Equal(ProbeVerdicts.Reported, result.Verdict);
        Assert.True(result.Passed);
        Assert.Equal(2, result.Slowdown!.Value, 2);
    }

    [Fact]
    public void Decide_TimeSlicedWithConfiguredThreshold_Fails()
    {
        var options = new AuditOptions { Thresholds = new AuditThresholdOptions { TimeSliced = 1.5 } };
        var result = TimingProbe.Decide(ProbeKind.Compute, Partition("a", "time-sliced"), Partition("a", "time-sliced"), options, Baseline, [.. Baseline.Select(b => b * 2)]);

        Assert.Equal(ProbeVerdicts.Failed, result.Verdict);
    }

    [Fact]
    public void CovertDecide_CleanSignal_DecodesEveryBitAndFails()
    {
        var bits = CovertChannelProbe.KnownBits(64);
        var counts = bits.Select(b => b == '1' ? 100L : 200L).ToList();
        var result = CovertChannelProbe.Decide(Partition("rx", "mig"), Partition("tx", "mig"), new AuditOptions(), bits, counts, TimeSpan.FromMilliseconds(20));

        Assert.Equal(bits, result.Trace!.Decoded);
        Assert.Equal(0, result.Values["bit_error_rate"]);
        Assert.Equal(50, result.Values["capacity_bits_per_second"], 6);
        Assert.Equal(ProbeVerdicts.Failed, result.Verdict);
    }

    [Fact]
    public void CovertDecide_CountsUnrelatedToBits_Passes()
    {
        var bits = CovertChannelProbe.KnownBits(64);
        var random = new Random(5);
        var counts = bits.Select(_ => (long)random.Next(180, 220)).ToList();
        var result = CovertChannelProbe.Decide(Partition("rx", "mig"), Partition("tx", "mig"), new AuditOptions(), bits, counts, TimeSpan.FromMilliseconds(20));

        Assert.Equal(ProbeVerdicts.Passed, result.Verdict);
    }

    [Fact]
    public void KnownBits_IsBalancedAndStable()
    {
        var bits = CovertChannelProbe.KnownBits(64);

        Assert.Equal(32, bits.Count(c => c == '1'));
        Assert.Equal(bits, CovertChannelProbe.KnownBits(64));
    }
}
