using GpuQos.Daemon.Exposition;
using GpuQos.Model.Metrics;
using Prometheus;

namespace GpuQos.Daemon.Tests.Exposition;

/// <summary>
/// The exposition as it was until 2026-12-07, every family a prometheus-net gauge or counter: each series a cached
/// prometheus-net child, written every cycle and swept, and prometheus-net's serializer rendering the registry.
/// The reference that <see cref="PrometheusExporter"/>'s own text is compared with (OwnedExpositionEquivalenceTests),
/// and the baseline of the exposition benchmarks (bench/, linked). Failure handling is left out: a source that
/// throws fails the update.
/// </summary>
public sealed class PrometheusNetExposition : IMetricWriter
{
    private readonly IMetricSource[] _sources;
    private readonly Dictionary<string, Family> _families = new(StringComparer.Ordinal);
    private readonly Family[] _order;
    private long _cycle;

    public PrometheusNetExposition(IEnumerable<IMetricSource> sources)
    {
        _sources = [.. sources];
        Registry = Metrics.NewCustomRegistry();
        var factory = Metrics.WithCustomRegistry(Registry);
        var order = new List<Family>();
        foreach (var metric in _sources.SelectMany(s => s.Metrics))
        {
            var labels = metric.Labels.ToArray();
            Collector collector = metric.Type == MetricType.Counter
                ? factory.CreateCounter(metric.Name, metric.Help, new CounterConfiguration { LabelNames = labels, SuppressInitialValue = true })
                : factory.CreateGauge(metric.Name, metric.Help, new GaugeConfiguration { LabelNames = labels, SuppressInitialValue = true });
            var family = new Family(metric, collector);
            _families.Add(metric.Name, family);
            order.Add(family);
        }

        _order = [.. order];
    }

    public CollectorRegistry Registry { get; }

    /// <summary>Prepares and writes every source, then removes the series the cycle did not write.</summary>
    public void Update()
    {
        foreach (var source in _sources)
        {
            source.Prepare();
        }

        _cycle++;
        foreach (var source in _sources)
        {
            source.WriteTo(this);
        }

        foreach (var family in _order)
        {
            family.Sweep(_cycle, removeUnwritten: true);
        }
    }

    /// <summary>prometheus-net's serializer writing the registry.</summary>
    public void Render(Stream destination, ExpositionFormat format) =>
        Registry.CollectAndExportAsTextAsync(destination, format).GetAwaiter().GetResult();

    public void Write(MetricDefinition metric, double value, params ReadOnlySpan<string> labels)
    {
        if (double.IsFinite(value))
        {
            _families[metric.Name].Write(value, labels, _cycle);
        }
    }

    /// <summary>
    /// The series of one family, each with its prometheus-net child, found by label values without building a
    /// key. A series remembers the cycle that last wrote it; the sweep removes those the latest cycle did not.
    /// </summary>
    /// <remarks>
    /// Sources write their series in the same order every cycle, so a family first compares the labels with
    /// those of the series that came next in the previous cycle (reference-equal strings, mostly) before it
    /// hashes them: on the scale host that skips hashing 16,000 label sets a cycle. A series written out of
    /// that order is found by hash, and the expectation moves on from where it stood last cycle.
    /// </remarks>
    private sealed class Family
    {
        private readonly Collector _collector;
        private readonly Dictionary<string[], Series> _series = new(LabelValuesComparer.Instance);
        private readonly Dictionary<string[], Series>.AlternateLookup<ReadOnlySpan<string>> _lookup;

        // The previous cycle's series in write order, and this cycle's as they are written.
        private Series[] _order = [];
        private int _orderCount;
        private Series[] _written = [];
        private int _writtenCount;
        private int _next;

        public Family(MetricDefinition definition, Collector collector)
        {
            Definition = definition;
            _collector = collector;
            _lookup = _series.GetAlternateLookup<ReadOnlySpan<string>>();
        }

        public MetricDefinition Definition { get; }

        public void Write(double value, ReadOnlySpan<string> labels, long cycle)
        {
            Series? series;
            if (_next < _orderCount && LabelValuesComparer.Instance.Equals(labels, _order[_next].Labels))
            {
                series = _order[_next];
            }
            else if (!_lookup.TryGetValue(labels, out series))
            {
                var values = labels.ToArray();
                series = _collector is Counter counter ? new Series(counter.WithLabels(values), values) : new Series(((Gauge)_collector).WithLabels(values), values);
                _series.Add(values, series);
            }

            if (series.Cycle != cycle)
            {
                // Expect next whatever followed this one last cycle (a new series has no place yet).
                _next = series.Position >= 0 ? series.Position + 1 : _next;
                series.Position = _writtenCount;
                if (_writtenCount == _written.Length)
                {
                    Array.Resize(ref _written, Math.Max(16, _written.Length * 2));
                }

                _written[_writtenCount++] = series;
            }

            series.Cycle = cycle;
            series.Set(value);
        }

        /// <summary>
        /// Ends the family's cycle: removes the series the cycle did not write, unless told to keep them (their
        /// source failed mid-cycle), and takes this cycle's write order as the next cycle's expectation.
        /// </summary>
        public void Sweep(long cycle, bool removeUnwritten)
        {
            if (removeUnwritten)
            {
                RemoveUnwritten(cycle);
            }

            // This cycle's order is what the next cycle expects; the previous order's slots are reused.
            Array.Clear(_order, 0, _orderCount);
            (_order, _written) = (_written, _order);
            (_orderCount, _writtenCount, _next) = (_writtenCount, 0, 0);
        }

        private void RemoveUnwritten(long cycle)
        {
            // Removing while enumerating is allowed for Dictionary (it does not invalidate the enumerator).
            foreach (var (values, series) in _series)
            {
                if (series.Cycle == cycle)
                {
                    continue;
                }

                if (values.Length == 0)
                {
                    // An unlabelled series cannot be removed, only hidden until it is written again.
                    series.Unpublish();
                    series.Position = -1;
                }
                else if (_collector is Counter counter)
                {
                    counter.RemoveLabelled(values);
                }
                else
                {
                    ((Gauge)_collector).RemoveLabelled(values);
                }

                _series.Remove(values);
            }
        }
    }

    /// <summary>One series: its prometheus-net child and the cycle that last wrote it.</summary>
    private sealed class Series
    {
        private readonly Gauge.Child? _gauge;
        private readonly Counter.Child? _counter;

        public Series(Gauge.Child gauge, string[] labels) => (_gauge, Labels) = (gauge, labels);

        public Series(Counter.Child counter, string[] labels) => (_counter, Labels) = (counter, labels);

        public string[] Labels { get; }

        public long Cycle { get; set; }

        /// <summary>Where it was written in the latest cycle that wrote it, in its family's order; -1 before.</summary>
        public int Position { get; set; } = -1;

        public void Set(double value)
        {
            if (_gauge is not null)
            {
                _gauge.Set(value);
            }
            else
            {
                _counter!.IncTo(value);
            }
        }

        public void Unpublish()
        {
            _gauge?.Unpublish();
            _counter?.Unpublish();
        }
    }
}
