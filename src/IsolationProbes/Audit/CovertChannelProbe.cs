using System.Diagnostics;
using GpuQos.IsolationProbes.Worker;

namespace GpuQos.IsolationProbes.Audit;

/// <summary>
/// The covert-channel probe: the aggressor's worker sends a known bit string by contending (1) or idling (0)
/// in fixed time slots; the victim's worker counts how many small kernels it completes per slot and decodes
/// fewer-than-threshold as 1. Both align slots on CLOCK_MONOTONIC, which all processes of a host share.
/// </summary>
internal static class CovertChannelProbe
{
    private static readonly TimeSpan Lead = TimeSpan.FromMilliseconds(400);

    public static async Task<ProbeResult> RunAsync(WorkerClient receiver, WorkerClient sender, AuditPlan plan, CancellationToken ct)
    {
        var s = plan.Sizes;
        var bits = KnownBits(s.CovertBits);
        var start = Stopwatch.GetTimestamp() + (long)(Lead.TotalSeconds * Stopwatch.Frequency);
        var slotNs = (long)(s.CovertSlot.TotalMilliseconds * 1e6);
        var timeout = (s.CovertSlot * s.CovertBits) + Lead + plan.Options.WorkerTimeout;
        var send = sender.SendAsync(new WorkerRequest { Op = WorkerOps.CovertSend, Bits = bits, StartTicks = start, SlotNanoseconds = slotNs, Size = s.CovertElements * 16, Iterations = s.CovertIterations }, ct, timeout);
        var receive = receiver.SendAsync(new WorkerRequest { Op = WorkerOps.CovertReceive, BitCount = bits.Length, StartTicks = start, SlotNanoseconds = slotNs, Size = s.CovertElements, Iterations = s.CovertIterations }, ct, timeout);
        await Task.WhenAll(send, receive);
        var counts = (await receive).Counts ?? throw new ProbeWorkerException($"worker for {receiver.Partition.Name} returned no slot counts");
        return Decide(receiver.Partition, sender.Partition, plan.Options, bits, counts, s.CovertSlot);
    }

    /// <summary>Decodes the counts against the known bits and rates the channel.</summary>
    public static ProbeResult Decide(AuditPartition receiver, AuditPartition sender, AuditOptions options, string bits, IReadOnlyList<long> counts, TimeSpan slot)
    {
        // The string is balanced, so the median splits the slots into the two symbols without calibration.
        var sorted = counts.Order().ToArray();
        var threshold = (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2.0;
        var decoded = new string([.. counts.Select(c => c < threshold ? '1' : '0')]);
        var errors = bits.Zip(decoded).Count(p => p.First != p.Second);
        var ber = (double)errors / bits.Length;
        var rate = 1 / slot.TotalSeconds;
        var capacity = ProbeStatistics.ChannelCapacity(rate, ber);
        var ones = counts.Where((_, i) => bits[i] == '1').Select(c => (double)c).ToArray();
        var zeros = counts.Where((_, i) => bits[i] == '0').Select(c => (double)c).ToArray();
        var (_, p) = ProbeStatistics.MannWhitney(ones, zeros);
        var open = capacity > options.CovertChannelMaxBitsPerSecond && p < options.Significance;
        return new ProbeResult
        {
            Probe = "covert",
            Gpu = receiver.Gpu,
            Victim = receiver.Name,
            Aggressor = sender.Name,
            Mode = receiver.Mode,
            Verdict = open ? ProbeVerdicts.Failed : ProbeVerdicts.Passed,
            Threshold = options.CovertChannelMaxBitsPerSecond,
            PValue = p,
            Summary = $"{sender.Name} -> {receiver.Name}: {bits.Length} bits at {rate:0.#} bit/s, {errors} wrong (BER {ber:0.###}), capacity {capacity:0.##} bit/s (p={p:0.####}); threshold {options.CovertChannelMaxBitsPerSecond:0.##} bit/s",
            Values = new Dictionary<string, double>
            {
                ["bits"] = bits.Length, ["bit_errors"] = errors, ["bit_error_rate"] = ber,
                ["raw_bits_per_second"] = rate, ["capacity_bits_per_second"] = capacity,
            },
            Trace = new CovertTrace(bits, counts, threshold, decoded, slot.TotalSeconds),
        };
    }

    /// <summary>A fixed, balanced pseudo-random bit string (half ones), so runs are comparable.</summary>
    public static string KnownBits(int count)
    {
        var n = count - (count % 2);
        var bits = Enumerable.Range(0, n).Select(i => i < n / 2 ? '1' : '0').ToArray();
        new Random(1977).Shuffle(bits);
        return new string(bits);
    }
}
