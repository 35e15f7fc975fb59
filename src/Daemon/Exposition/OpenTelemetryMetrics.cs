using System.Diagnostics;
using System.Diagnostics.Metrics;
using GpuQos.Model.Metrics;
using GpuQos.Model.Snapshots;

namespace GpuQos.Daemon.Exposition;

/// <summary>
/// The metric catalogue as OpenTelemetry instruments. Each <see cref="MetricDefinition"/> of every registered
/// <see cref="IMetricSource"/> becomes one observable gauge or counter, named and labelled exactly as on
/// <c>/metrics</c>; no definition is written a second time. Once per collection cycle (as the snapshot consumer
/// after exposition) the sources write their samples into a fresh table, which replaces
/// the previous one whole; the instruments' callbacks only read that table, so an OTLP export or an
/// OpenTelemetry scrape never reaches the backend and never sees half a cycle.
/// </summary>
public sealed class OpenTelemetryMetrics : IMetricWriter, ISnapshotConsumer, IDisposable
{
    /// <summary>The meter every GpuQos instrument belongs to.</summary>
    public const string MeterName = "GpuQos";

    private static readonly IReadOnlyList<Measurement<double>> None = [];

    private readonly IMetricSource[] _sources;
    private readonly Meter _meter;
    private readonly Lock _writing = new();
    private Dictionary<string, List<Measurement<double>>> _latest = new(StringComparer.Ordinal);
    private Dictionary<string, List<Measurement<double>>>? _next;

    public OpenTelemetryMetrics(IEnumerable<IMetricSource> sources)
    {
        _sources = sources.ToArray();
        _meter = new Meter(MeterName, VersionInfo.Version);
        foreach (var definition in _sources.SelectMany(s => s.Metrics))
        {
            var name = definition.Name;
            if (definition.Type == MetricType.Counter)
            {
                _meter.CreateObservableCounter(name, () => Read(name), unit: null, description: definition.Help);
            }
            else
            {
                _meter.CreateObservableGauge(name, () => Read(name), unit: null, description: definition.Help);
            }
        }
    }

    /// <inheritdoc />
    public string Name => "opentelemetry";

    /// <inheritdoc />
    public void Consume(HostSnapshot snapshot) => Update();

    /// <summary>
    /// Fills the table from the sources for the snapshot just published (also used by tests). A source that
    /// throws keeps its previous samples, as on <c>/metrics</c>; the other sources are current. This runs in the
    /// collection cycle, so a throwing source must not escape it. The <c>/metrics</c> path counts and logs the
    /// failure (<see cref="ExpositionErrors"/>).
    /// </summary>
    public void Update()
    {
        lock (_writing)
        {
            var previous = Volatile.Read(ref _latest);
            _next = new Dictionary<string, List<Measurement<double>>>(StringComparer.Ordinal);
            foreach (var source in _sources)
            {
                try
                {
                    // Prepared here too: /metrics prepares its sources only when scraped, and OTLP may be the only reader.
                    source.Prepare();
                    source.WriteTo(this);
                }
                catch (Exception)
                {
                    foreach (var metric in source.Metrics)
                    {
                        if (previous.TryGetValue(metric.Name, out var kept))
                        {
                            _next[metric.Name] = kept;
                        }
                        else
                        {
                            _next.Remove(metric.Name);
                        }
                    }
                }
            }

            Volatile.Write(ref _latest, _next);
            _next = null;
        }
    }

    /// <inheritdoc />
    public void Write(MetricDefinition metric, double value, params ReadOnlySpan<string> labels)
    {
        if (_next is null || !double.IsFinite(value))
        {
            return;
        }

        // Tags in the definition's label order, so every exporter sees the same stable order.
        var tags = new TagList();
        for (var i = 0; i < labels.Length; i++)
        {
            tags.Add(metric.Labels[i], labels[i]);
        }

        if (!_next.TryGetValue(metric.Name, out var samples))
        {
            samples = [];
            _next[metric.Name] = samples;
        }

        samples.Add(new Measurement<double>(value, tags));
    }

    public void Dispose()
    {
        _meter.Dispose();
    }

    /// <summary>The samples the instrument of <paramref name="name"/> reports now (for tests).</summary>
    internal IEnumerable<Measurement<double>> Read(string name) =>
        Volatile.Read(ref _latest).TryGetValue(name, out var samples) ? samples : None;
}
