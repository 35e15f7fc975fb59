using GpuQos.Enforcer.Workload;
using GpuQos.LatencyLoop;

namespace GpuQos.Benchmarks;

/// <summary>
/// One phase of the latency-loop benchmark, read once a second: the service's histogram, the burner's CPU time
/// and (while the daemon runs) the cap it holds the burner to. From it: the p99 over any span, the burner's
/// mean share of CPU 0, and the p99 over the policy's own window at every second.
/// </summary>
internal sealed class LatencyLoopTrace
{
    private readonly List<(double Seconds, WorkloadReading Read, long CpuNs, double? Cap)> _samples = [];

    /// <summary>Reads every second for <paramref name="span"/>; <paramref name="cap"/> reads the burner's cap, if any.</summary>
    public static async Task<LatencyLoopTrace> RecordAsync(ServiceLatency latency, int burner, TimeSpan span, Func<Task<double?>>? cap = null)
    {
        var trace = new LatencyLoopTrace();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var tick = 1; ; tick++)
        {
            var at = clock.Elapsed;
            trace._samples.Add((at.TotalSeconds, await latency.ReadAsync(), CoreBurner.CpuNanoseconds(burner), cap is null ? null : await cap()));
            if (at >= span)
            {
                return trace;
            }

            // On whole seconds from the start, however long a read took: a late read does not add a sample.
            var next = TimeSpan.FromSeconds(Math.Max(tick, Math.Ceiling(clock.Elapsed.TotalSeconds))) - clock.Elapsed;
            tick = (int)Math.Max(tick, Math.Ceiling(clock.Elapsed.TotalSeconds));
            await Task.Delay(next > TimeSpan.Zero ? next : TimeSpan.Zero);
        }
    }

    /// <summary>The seconds since the phase began of each sample.</summary>
    public IEnumerable<double> Seconds => _samples.Select(s => s.Seconds);

    /// <summary>The p99 of every request answered from <paramref name="from"/> seconds on, and the burner's mean share of CPU 0 then.</summary>
    public (double P99, double Share) From(ServiceLatency latency, double from)
    {
        var first = _samples.First(s => s.Seconds >= from);
        var last = _samples[^1];
        var share = (last.CpuNs - first.CpuNs) / 1e9 / (last.Seconds - first.Seconds);
        return (latency.P99(first.Read, last.Read), share);
    }

    /// <summary>At each second (once a window has passed), the p99 over the <paramref name="window"/> before it, and the cap then.</summary>
    public List<(double Seconds, double? P99, double? Cap)> Rolling(ServiceLatency latency, TimeSpan window)
    {
        var rolling = new List<(double, double?, double?)>();
        for (var i = 0; i < _samples.Count; i++)
        {
            // The last sample at least a window before this one (by time: reads are not exactly a second apart).
            var start = _samples.FindLastIndex(i, s => s.Seconds <= _samples[i].Seconds - window.TotalSeconds + 0.05);
            if (start < 0)
            {
                continue;
            }

            double? p99;
            try
            {
                p99 = latency.P99(_samples[start].Read, _samples[i].Read);
            }
            catch (InvalidOperationException)
            {
                // Too few requests in the window (the daemon would call it unknown too).
                p99 = null;
            }

            rolling.Add((_samples[i].Seconds, p99, _samples[i].Cap));
        }

        return rolling;
    }
}
