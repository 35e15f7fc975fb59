using System.Globalization;
using GpuQos.Daemon.Tests.TestSupport;

namespace GpuQos.Daemon.Tests.Nvml;

/// <summary>
/// Compares what the independent NVML client printed (<c>path value</c> lines) with the daemon's <c>/metrics</c>,
/// field by field. Every line the client printed must be checked by some rule: a value read but never compared
/// is reported as unchecked, so the client cannot grow a reading the test silently ignores.
/// </summary>
internal sealed class ClientReadings
{
    private readonly Dictionary<string, string> _values;
    private readonly HashSet<string> _checked = new(StringComparer.Ordinal);
    private readonly IReadOnlyList<Sample> _samples;

    public ClientReadings(string output, IReadOnlyList<Sample> samples)
    {
        _values = output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ', 2))
            .ToDictionary(parts => parts[0], parts => parts.Length > 1 ? parts[1] : "", StringComparer.Ordinal);
        _samples = samples;
    }

    public List<string> Mismatches { get; } = [];

    /// <summary>Lines the client printed that no rule compared.</summary>
    public IEnumerable<string> Unchecked => _values.Keys.Where(k => !_checked.Contains(k)).Order(StringComparer.Ordinal);

    public IEnumerable<string> Keys(string prefix) => _values.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal));

    public string? Text(string key)
    {
        _checked.Add(key);
        if (!_values.TryGetValue(key, out var value))
        {
            Mismatches.Add($"{key}: the client printed nothing");
        }

        return value;
    }

    public double Number(string key) =>
        double.TryParse(Text(key), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : double.NaN;

    /// <summary>Whether the client got an error for <paramref name="key"/> (marks it checked).</summary>
    public bool Failed(string key, string error)
    {
        if (_values.TryGetValue(key, out var value) && value == "error:" + error)
        {
            _checked.Add(key);
            return true;
        }

        return false;
    }

    public void Equal(string what, object? expected, object? actual)
    {
        if (!Equals(expected, actual))
        {
            Mismatches.Add($"{what}: client {expected}, /metrics {actual}");
        }
    }

    /// <summary>A client value, scaled to the metric's unit, against the one series matching the labels.</summary>
    public void Metric(string key, double scale, string metric, params (string Label, string Value)[] labels)
    {
        var client = Number(key) * scale;
        var series = Series(metric, labels).ToList();
        if (series.Count != 1)
        {
            Mismatches.Add($"{key}: {series.Count} series of {metric}{{{Format(labels)}}}");
            return;
        }

        if (Math.Abs(client - series[0].Value) > 1e-9 * Math.Max(1, Math.Abs(client)))
        {
            Mismatches.Add($"{key}: client {client.ToString(CultureInfo.InvariantCulture)}, {metric}{{{Format(labels)}}} {series[0].Value.ToString(CultureInfo.InvariantCulture)}");
        }
    }

    public IEnumerable<Sample> Series(string metric, params (string Label, string Value)[] labels) =>
        _samples.Where(s => s.Name == metric && labels.All(l => s.Labels.TryGetValue(l.Label, out var v) && v == l.Value));

    private static string Format((string Label, string Value)[] labels) => string.Join(",", labels.Select(l => $"{l.Label}=\"{l.Value}\""));
}
