using GpuQos.Model.Metrics;
using Prometheus;

namespace GpuQos.Daemon.Exposition;

/// <summary>
/// A metric family the exporter writes itself: its series, found by label values without building a key, each
/// with its value and the cycle that last wrote it; its header lines, encoded once per format; and its exposed
/// series in the order they appeared, which is the order a render writes them in.
/// </summary>
/// <remarks>
/// Sources write their series in the same order every cycle, so a family first compares the labels with those of
/// the series that came next in the previous cycle (reference-equal strings, mostly) before it hashes them: on the
/// scale host that skips hashing 16,000 label sets a cycle. A series written out of that order is found by hash,
/// and the expectation moves on from where it stood last cycle.
/// </remarks>
internal sealed class ExposedFamily
{
    private readonly Dictionary<string[], ExposedSeries> _series = new(LabelValuesComparer.Instance);
    private readonly Dictionary<string[], ExposedSeries>.AlternateLookup<ReadOnlySpan<string>> _lookup;
    private readonly byte[] _textHeader;
    private readonly byte[] _openMetricsHeader;
    private readonly bool _counter;

    // Every exposed series, oldest first: what a render writes.
    private ExposedSeries[] _exposed = [];
    private int _exposedCount;

    // The previous cycle's series in write order, and this cycle's as they are written.
    private ExposedSeries[] _order = [];
    private int _orderCount;
    private ExposedSeries[] _written = [];
    private int _writtenCount;
    private int _next;

    public ExposedFamily(MetricDefinition definition)
    {
        ExpositionText.CheckNames(definition);
        Definition = definition;
        _counter = definition.Type == MetricType.Counter;
        _lookup = _series.GetAlternateLookup<ReadOnlySpan<string>>();
        _textHeader = ExpositionText.Header(definition, ExpositionFormat.PrometheusText);
        _openMetricsHeader = ExpositionText.Header(definition, ExpositionFormat.OpenMetricsText);
    }

    public MetricDefinition Definition { get; }

    /// <summary>How many series it exposes.</summary>
    public int Count => _exposedCount;

    /// <summary>
    /// Writes one sample. A gauge takes the value; a counter only rises (a lower value is ignored, as prometheus-net's
    /// <c>IncTo</c> did), from 0 when the series appears.
    /// </summary>
    public void Write(double value, ReadOnlySpan<string> labels, long cycle)
    {
        ExposedSeries? series;
        if (_next < _orderCount && LabelValuesComparer.Instance.Equals(labels, _order[_next].Labels))
        {
            series = _order[_next];
        }
        else if (!_lookup.TryGetValue(labels, out series))
        {
            series = Add(labels);
        }

        if (series.Cycle != cycle)
        {
            // Expect next whatever followed this one last cycle (a new series has no place yet).
            _next = series.Position >= 0 ? series.Position + 1 : _next;
            series.Position = _writtenCount;
            Append(ref _written, ref _writtenCount, series);
        }

        series.Cycle = cycle;
        series.Value = _counter ? Math.Max(series.Value, value) : value;
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

    /// <summary>Writes the header lines and every exposed series.</summary>
    public void Render(RenderBuffer buffer, ExpositionFormat format)
    {
        buffer.Write(format == ExpositionFormat.OpenMetricsText ? _openMetricsHeader : _textHeader);
        for (var i = 0; i < _exposedCount; i++)
        {
            var series = _exposed[i];
            Span<byte> line;
            var used = 0;
            if (series.Prefix.Length + ExpositionText.MaxValueLength + 1 <= RenderBuffer.BlockSize)
            {
                line = buffer.Reserve(series.Prefix.Length + ExpositionText.MaxValueLength + 1);
                series.Prefix.CopyTo(line);
                used = series.Prefix.Length;
            }
            else
            {
                // Label values this long are not the daemon's own, but they still render.
                buffer.Write(series.Prefix);
                line = buffer.Reserve(ExpositionText.MaxValueLength + 1);
            }

            if (!ExpositionText.TryWriteValue(series.Value, format, line[used..], out var written))
            {
                throw new InvalidOperationException($"{Definition.Name}: the value {series.Value} does not fit its render buffer");
            }

            used += written;
            line[used++] = (byte)'\n';
            buffer.Advance(used);
        }
    }

    private ExposedSeries Add(ReadOnlySpan<string> labels)
    {
        if (labels.Length != Definition.Labels.Count)
        {
            throw new ArgumentException(
                $"{Definition.Name} has {Definition.Labels.Count} labels ({string.Join(", ", Definition.Labels)}), written with {labels.Length} values",
                nameof(labels));
        }

        var values = labels.ToArray();
        var series = new ExposedSeries(values, ExpositionText.SeriesPrefix(Definition.Name, Definition.Labels, values));
        _series.Add(values, series);
        Append(ref _exposed, ref _exposedCount, series);
        return series;
    }

    // One pass that keeps the written series in their order and forgets the others: no allocation, no hashing
    // but for the series removed.
    private void RemoveUnwritten(long cycle)
    {
        var kept = 0;
        for (var i = 0; i < _exposedCount; i++)
        {
            var series = _exposed[i];
            if (series.Cycle == cycle)
            {
                _exposed[kept++] = series;
            }
            else
            {
                _series.Remove(series.Labels);
            }
        }

        Array.Clear(_exposed, kept, _exposedCount - kept);
        _exposedCount = kept;
    }

    private static void Append(ref ExposedSeries[] array, ref int count, ExposedSeries series)
    {
        if (count == array.Length)
        {
            Array.Resize(ref array, Math.Max(16, array.Length * 2));
        }

        array[count++] = series;
    }
}
