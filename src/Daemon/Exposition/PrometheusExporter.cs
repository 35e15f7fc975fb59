using GpuQos.Model.Metrics;
using Prometheus;

namespace GpuQos.Daemon.Exposition;

/// <summary>
/// Writes the metric sources' series (at most once per snapshot, when a scrape asks: <see cref="ExpositionConsumer"/>)
/// and renders them as <c>/metrics</c>. Series that an update did not write (a partition destroyed, a process
/// exited) are removed by the same update, so no scrape sees them after the snapshot they left. A scrape never reaches the backend: it is served a render made between two updates
/// (<see cref="Render"/>, shared through <see cref="ScrapeRenders"/>).
/// </summary>
/// <remarks>
/// The families of the metric sources are written as text by the exporter itself (<see cref="ExposedFamily"/>):
/// each series' name and labels are encoded once, when it appears, and a cycle only stores values, which a render
/// then formats. prometheus-net, which did both until 2026-12-07, cost two thirds of the daemon's CPU on the scale
/// host (docs/architecture.md, docs/performance.md). Its registry (<see cref="Registry"/>) is still rendered after
/// those families, for instrumentation kept in prometheus-net, and ends an OpenMetrics render with <c># EOF</c>.
/// </remarks>
public sealed class PrometheusExporter : IMetricWriter
{
    private readonly IMetricSource[] _sources;
    private readonly Dictionary<string, ExposedFamily> _families = new(StringComparer.Ordinal);
    private readonly Dictionary<MetricDefinition, ExposedFamily> _byDefinition = new(ReferenceEqualityComparer.Instance);
    private readonly ExposedFamily[] _sweepOrder;
    private readonly RenderBuffer _buffer = new();

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
        var sweepOrder = new List<ExposedFamily>();
        var sourceOf = new List<int>();
        foreach (var (metric, source) in _sources.SelectMany((s, i) => s.Metrics.Select(m => (m, i))))
        {
            if (_families.ContainsKey(metric.Name))
            {
                throw new InvalidOperationException($"metric {metric.Name} is defined twice");
            }

            var family = new ExposedFamily(metric);
            _families.Add(metric.Name, family);
            _byDefinition.Add(metric, family);
            sweepOrder.Add(family);
            sourceOf.Add(source);
        }

        _sweepOrder = [.. sweepOrder];
        _sourceOf = [.. sourceOf];
    }

    /// <summary>
    /// prometheus-net's registry, rendered after the sources' families: for instrumentation kept in prometheus-net.
    /// Its names must not be those of a source's family.
    /// </summary>
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
    /// Renders every family, then the registry, into <paramref name="destination"/> between two updates, so the text
    /// holds exactly one of them; returns which (<see cref="UpdatesCompleted"/>). The destination should be in
    /// memory: the next update waits for the render.
    /// </summary>
    public long Render(Stream destination, ExpositionFormat format)
    {
        ArgumentNullException.ThrowIfNull(destination);
        lock (_lock)
        {
            _buffer.Begin(destination);
            try
            {
                foreach (var family in _sweepOrder)
                {
                    family.Render(_buffer, format);
                }
            }
            finally
            {
                _buffer.End();
            }

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
}

/// <summary>A metric source that failed in one collection cycle: its type name and what it threw.</summary>
public sealed record SourceFailure(string Source, Exception Error);
