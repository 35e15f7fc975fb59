using GpuQos.Enforcer.Policies;
using GpuQos.Enforcer.Workload;

namespace GpuQos.LatencyLoop;

/// <summary>
/// The latency service's p99 between two reads of its own histogram, computed by the daemon's own evaluator
/// (bucket deltas, as <c>histogram_quantile(rate(...))</c>), so the loop's test and benchmark measure exactly
/// what the policy judges.
/// </summary>
internal sealed class ServiceLatency : IDisposable
{
    private readonly HttpClient _http = new();
    private readonly ScrapeReader _reader;
    private readonly WorkloadSource _source;
    private readonly string _metrics;

    public ServiceLatency(string metrics)
    {
        _metrics = metrics;
        _source = new WorkloadSource(WorkloadSource.Scrape, metrics);
        _reader = new ScrapeReader(_http, new WorkloadMetricsOptions { Timeout = TimeSpan.FromSeconds(10) });
    }

    /// <summary>One read of the service's histogram, stamped now.</summary>
    public async Task<WorkloadReading> ReadAsync() =>
        new(DateTimeOffset.UtcNow, await _reader.ReadAsync(_source, _ => true, CancellationToken.None));

    /// <summary>The p99 of the requests answered between <paramref name="from"/> and <paramref name="to"/>, in seconds.</summary>
    public double P99(WorkloadReading from, WorkloadReading to)
    {
        var readings = new WorkloadReadings(TimeProvider.System);
        readings.Add(_source, from);
        readings.Add(_source, to);
        var objective = new ObjectiveOptions
        {
            Type = KnownPolicyTypes.Objectives.Latency,
            Source = $"scrape:{_metrics}",
            Metric = LatencyLoopHost.Metric,
            Quantile = 0.99,
            Latency = TimeSpan.FromSeconds(1),
            Window = DateTimeOffset.UtcNow - from.At + TimeSpan.FromMinutes(1),
            MinSamples = 20,
        };
        return WorkloadObjectiveEvaluator.Evaluate(objective, readings, 0).Value ?? throw new InvalidOperationException(readings.Status()[0].LastUnknown);
    }

    /// <summary>The p99 over the next <paramref name="span"/>.</summary>
    public async Task<double> P99OverAsync(TimeSpan span)
    {
        var from = await ReadAsync();
        await Task.Delay(span);
        return P99(from, await ReadAsync());
    }

    public void Dispose() => _http.Dispose();
}
