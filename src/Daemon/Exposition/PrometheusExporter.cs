using GpuQos.Model.Metrics;
using Prometheus;

namespace GpuQos.Daemon.Exposition;

/// <summary>
/// Renders the metric sources into a prometheus-net registry once per collection cycle. Series that a
/// cycle did not write (a partition destroyed, a process exited) are removed in the same cycle, so they are
/// gone within one interval. A scrape never reaches the backend: it is served a render of the registry made
/// between two updates (<see cref="Render"/>, shared through <see cref="ScrapeRenders"/>).
/// </summary>
public sealed class PrometheusExporter : IMetricWriter
{
    private readonly IMetricSource[] _sources;
    private readonly Dictionary<string, Family> _families = new(StringComparer.Ordinal);
    private readonly Dictionary<MetricDefinition, Family> _byDefinition = new(ReferenceEqualityComparer.Instance);
    private readonly Family[] _sweepOrder;

    // Which source writes each family of _sweepOrder, the sources' names, and their failure counts.
    private readonly int[] _sourceOf;
    private readonly string[] _sourceNames;
    private readonly ExpositionErrors _errors;
    private readonly Lock _lock = new();
    private long _cycle;
    private long _completed;

    /// <param name="sources">Every metric source. The failure counter (<see cref="ExpositionErrors"/>) is taken from
    /// among them, or made when none is there; it is written last, so it counts the failures of its own cycle.</param>
    public PrometheusExporter(IEnumerable<IMetricSource> sources)
    {
        var given = sources.ToArray();
        _errors = given.OfType<ExpositionErrors>().FirstOrDefault() ?? new ExpositionErrors();
        _sources = [.. given.Where(s => s is not ExpositionErrors), _errors];
        _sourceNames = [.. _sources.Select(ExpositionErrors.NameOf)];
        _errors.Track(_sources);
        Registry = Metrics.NewCustomRegistry();
        var factory = Metrics.WithCustomRegistry(Registry);
        var sweepOrder = new List<Family>();
        var sourceOf = new List<int>();
        foreach (var (metric, source) in _sources.SelectMany((s, i) => s.Metrics.Select(m => (m, i))))
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
            var family = new Family(metric, collector);
            _families.Add(metric.Name, family);
            _byDefinition.Add(metric, family);
            sweepOrder.Add(family);
            sourceOf.Add(source);
        }

        _sweepOrder = [.. sweepOrder];
        _sourceOf = [.. sourceOf];
    }

    /// <summary>The registry <c>/metrics</c> serves.</summary>
    public CollectorRegistry Registry { get; }

    /// <summary>Every metric definition of every source: the catalogue.</summary>
    public IEnumerable<MetricDefinition> Catalogue => _families.Values.Select(f => f.Definition);

    /// <summary>
    /// Updates whose every source has been written and swept: 0 until the first cycle is whole in <c>/metrics</c>.
    /// Readiness waits for it, because a snapshot is published before its exposition is written.
    /// </summary>
    public long UpdatesCompleted => Interlocked.Read(ref _completed);

    /// <summary>
    /// Writes every source and removes the series nobody wrote this time. A source that throws (in
    /// <see cref="IMetricSource.Prepare"/> or <see cref="IMetricSource.WriteTo"/>) degrades only itself: the
    /// others are written and swept as usual, its own series keep what they had, and
    /// <c>gpuqos_exposition_source_errors_total</c> counts it. Returns this cycle's failures, for the log.
    /// </summary>
    public IReadOnlyList<SourceFailure> Update()
    {
        List<SourceFailure>? failures = null;
        Span<bool> failed = stackalloc bool[_sources.Length];

        // Slow work first, while scrapes are still served the previous update's render.
        for (var i = 0; i < _sources.Length; i++)
        {
            try
            {
                _sources[i].Prepare();
            }
            catch (Exception ex)
            {
                Fail(i, ex, failed, ref failures);
            }
        }

        lock (_lock)
        {
            _cycle++;
            for (var i = 0; i < _sources.Length; i++)
            {
                if (failed[i])
                {
                    continue;
                }

                try
                {
                    _sources[i].WriteTo(this);
                }
                catch (Exception ex)
                {
                    Fail(i, ex, failed, ref failures);
                }
            }

            for (var f = 0; f < _sweepOrder.Length; f++)
            {
                _sweepOrder[f].Sweep(_cycle, removeUnwritten: !failed[_sourceOf[f]]);
            }

            Interlocked.Increment(ref _completed);
        }

        return failures ?? (IReadOnlyList<SourceFailure>)[];
    }

    private void Fail(int source, Exception error, Span<bool> failed, ref List<SourceFailure>? failures)
    {
        failed[source] = true;
        _errors.Count(_sourceNames[source]);
        (failures ??= []).Add(new SourceFailure(_sourceNames[source], error));
    }

    /// <summary>
    /// Renders the registry into <paramref name="destination"/> between two updates, so the text holds exactly
    /// one of them; returns which (<see cref="UpdatesCompleted"/>). The destination should be in memory: the
    /// next update waits for the render.
    /// </summary>
    public long Render(Stream destination, ExpositionFormat format)
    {
        lock (_lock)
        {
            // Synchronous over async: the destination is memory, so every write completes at once, and a
            // lock cannot be held across an await.
            Registry.CollectAndExportAsTextAsync(destination, format).GetAwaiter().GetResult();
            return _completed;
        }
    }

    /// <inheritdoc />
    public void Write(MetricDefinition metric, double value, params ReadOnlySpan<string> labels)
    {
        if (!double.IsFinite(value))
        {
            return;
        }

        // Sources write the catalogue's own definitions; an equal definition built elsewhere is found by name.
        if (!_byDefinition.TryGetValue(metric, out var family))
        {
            family = _families[metric.Name];
        }

        family.Write(value, labels, _cycle);
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

/// <summary>A metric source that failed in one collection cycle: its type name and what it threw.</summary>
public sealed record SourceFailure(string Source, Exception Error);
