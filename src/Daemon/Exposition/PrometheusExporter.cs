using GpuQos.Collectors.Exposition;
using Prometheus;

namespace GpuQos.Daemon.Exposition;

/// <summary>
/// Renders the metric sources into a prometheus-net registry once per collection cycle. Series that a
/// cycle did not write (a partition destroyed, a process exited) are removed in the same cycle, so they are
/// gone within one interval. A scrape only serializes the registry; it never reaches the backend.
/// </summary>
public sealed class PrometheusExporter : IMetricWriter
{
    private readonly IMetricSource[] _sources;
    private readonly Dictionary<string, Family> _families = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public PrometheusExporter(IEnumerable<IMetricSource> sources)
    {
        _sources = sources.ToArray();
        Registry = Metrics.NewCustomRegistry();
        var factory = Metrics.WithCustomRegistry(Registry);
        foreach (var metric in _sources.SelectMany(s => s.Metrics))
        {
            if (_families.ContainsKey(metric.Name))
            {
                throw new InvalidOperationException($"metric {metric.Name} is defined twice");
            }

            var labels = metric.Labels.ToArray();
            // A series appears only once a source writes it: an unlabelled metric would otherwise be exposed as 0
            // from the start (an audit that never ran reporting a duration of 0 s, say).
            Collector collector = metric.Type == MetricType.Counter
                ? factory.CreateCounter(metric.Name, metric.Help, new CounterConfiguration { LabelNames = labels, SuppressInitialValue = true })
                : factory.CreateGauge(metric.Name, metric.Help, new GaugeConfiguration { LabelNames = labels, SuppressInitialValue = true });
            _families.Add(metric.Name, new Family(metric, collector));
        }
    }

    /// <summary>The registry <c>/metrics</c> serves.</summary>
    public CollectorRegistry Registry { get; }

    /// <summary>Every metric definition of every source: the catalogue.</summary>
    public IEnumerable<MetricDefinition> Catalogue => _families.Values.Select(f => f.Definition);

    /// <summary>Writes every source and removes the series nobody wrote this time.</summary>
    public void Update()
    {
        lock (_lock)
        {
            foreach (var source in _sources)
            {
                source.WriteTo(this);
            }

            foreach (var family in _families.Values)
            {
                family.Sweep();
            }
        }
    }

    /// <inheritdoc />
    public void Write(MetricDefinition metric, double value, params ReadOnlySpan<string> labels)
    {
        if (!double.IsFinite(value))
        {
            return;
        }

        _families[metric.Name].Write(value, labels);
    }

    private sealed class Family(MetricDefinition definition, Collector collector)
    {
        private Dictionary<string, string[]> _previous = new(StringComparer.Ordinal);
        private Dictionary<string, string[]> _current = new(StringComparer.Ordinal);

        public MetricDefinition Definition { get; } = definition;

        public void Write(double value, ReadOnlySpan<string> labels)
        {
            var key = string.Join('\u001f', labels!);
            if (!_current.TryGetValue(key, out var values))
            {
                values = _previous.TryGetValue(key, out var old) ? old : labels.ToArray();
                _current[key] = values;
            }

            switch (collector)
            {
                case Counter counter:
                    if (values.Length == 0) { counter.IncTo(value); } else { counter.WithLabels(values).IncTo(value); }
                    break;
                case Gauge gauge:
                    if (values.Length == 0) { gauge.Set(value); } else { gauge.WithLabels(values).Set(value); }
                    break;
                default:
                    break;
            }
        }

        public void Sweep()
        {
            foreach (var (key, values) in _previous)
            {
                if (!_current.ContainsKey(key))
                {
                    if (values.Length == 0)
                    {
                        // An unlabelled series cannot be removed, only hidden until it is written again.
                        (collector as Gauge)?.WithLabels(values).Unpublish();
                        (collector as Counter)?.WithLabels(values).Unpublish();
                        continue;
                    }

                    ((Collector<Gauge.Child>?)(collector as Gauge))?.RemoveLabelled(values);
                    ((Collector<Counter.Child>?)(collector as Counter))?.RemoveLabelled(values);
                }
            }

            (_previous, _current) = (_current, _previous);
            _current.Clear();
        }
    }
}
