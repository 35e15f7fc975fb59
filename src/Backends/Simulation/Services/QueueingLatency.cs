using System.Globalization;
using System.Text;

namespace GpuQos.Backends.Simulation.Services;

/// <summary>
/// The latency histogram of a simulated service. Requests arrive at the configured rate (varied per second from the
/// seed) and queue for the share of the GPU the service gets: an M/M/1 queue served at share / serviceTime a second,
/// whose sojourn times are exponential at the spare rate μ − λ. Each advance adds the expected requests of the
/// elapsed time to the buckets, served at the share read at its end, so the histogram is what a Prometheus client
/// library in the service would have counted.
/// </summary>
internal sealed class QueueingLatency
{
    // A saturated queue (μ ≤ λ) grows without bound; a real server's clients time out, so its p99 is held at 2 s.
    private const double SaturatedP99Seconds = 2;

    // 10 ms buckets up to 300 ms, where a target is usually set, then coarser ones, as a service would choose.
    private static readonly double[] _bounds = [.. Enumerable.Range(1, 30).Select(i => i / 100.0), 0.4, 0.5, 0.75, 1, 1.5, 2, 3, 5];

    private readonly SimLatencyOptions _options;
    private readonly int _seed;
    private readonly string _name;
    private readonly double[] _counts = new double[_bounds.Length + 1];
    private readonly Lock _lock = new();
    private double _sum;
    private TimeSpan? _last;

    public QueueingLatency(SimLatencyOptions options, int seed, string name)
    {
        _options = options;
        _seed = seed;
        _name = name;
    }

    /// <summary>Counts the requests that arrived since the last advance, served at <paramref name="share"/> (null: the process is not running, and nothing arrives).</summary>
    public void Advance(TimeSpan t, double? share)
    {
        lock (_lock)
        {
            var last = _last;
            if (last is { } l && t <= l)
            {
                return;
            }

            _last = t;
            if (last is null || share is not { } s)
            {
                return;
            }

            var noise = (2 * StableHash.Unit(StableHash.Of(_seed, "latency:" + _name, (long)Math.Floor(t.TotalSeconds)))) - 1;
            var lambda = _options.Rate * (1 + (_options.Noise * noise));
            var arrived = lambda * (t - last.Value).TotalSeconds;
            var spare = Math.Max((s / _options.ServiceTime.TotalSeconds) - lambda, Math.Log(100) / SaturatedP99Seconds);
            for (var i = 0; i < _bounds.Length; i++)
            {
                _counts[i] += arrived * (1 - Math.Exp(-spare * _bounds[i]));
            }

            _counts[^1] += arrived;
            _sum += arrived / spare;
        }
    }

    /// <summary>The histogram in the Prometheus text format.</summary>
    public string Render()
    {
        var m = _options.Metric;
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"# HELP {m} Request latency of the simulated service, in seconds.\n# TYPE {m} histogram\n");
        lock (_lock)
        {
            for (var i = 0; i < _bounds.Length; i++)
            {
                text.Append(CultureInfo.InvariantCulture, $"{m}_bucket{{le=\"{_bounds[i]}\"}} {_counts[i]:R}\n");
            }

            text.Append(CultureInfo.InvariantCulture, $"{m}_bucket{{le=\"+Inf\"}} {_counts[^1]:R}\n{m}_sum {_sum:R}\n{m}_count {_counts[^1]:R}\n");
        }

        return text.ToString();
    }
}
