using GpuQos.Advisor.Readers;
using GpuQos.Enforcer.Policies;
using GpuQos.Enforcer.Workload;

namespace GpuQos.Daemon.Workload;

/// <summary>
/// Reads <c>prometheus:QUERY</c> sources with the advisor's Prometheus client: one instant query at the read's
/// time, whose samples (labels and value) the objective's selector then picks from.
/// </summary>
internal sealed class PrometheusObjectiveReader(HttpClient http, WorkloadMetricsOptions options, TimeProvider time) : IWorkloadSourceReader
{
    public string Kind => WorkloadSource.Prometheus;

    public async Task<IReadOnlyList<ExposedSample>> ReadAsync(WorkloadSource source, Func<string, bool> keep, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (options.Prometheus is not { } server)
        {
            throw new WorkloadReadException("enforcement.workloadMetrics.prometheus is not set, so prometheus: sources cannot be read");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.Timeout);
        try
        {
            var client = new PrometheusClient(http, new Uri(server.EndsWith('/') ? server : server + "/"));
            var samples = await client.QueryAsync(source.Target, time.GetUtcNow(), timeout.Token).ConfigureAwait(false);
            return samples.Select(s => new ExposedSample(s.Label("__name__"), s.Labels, s.Value)).ToList();
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new WorkloadReadException($"Prometheus did not answer within {options.Timeout.TotalSeconds:0.###} s");
        }
        catch (Exception ex) when (ex is HttpRequestException or PrometheusQueryException or System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new WorkloadReadException(ex.Message, ex);
        }
    }
}
