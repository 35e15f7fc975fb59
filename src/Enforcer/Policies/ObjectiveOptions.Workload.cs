using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using GpuQos.Enforcer.Workload;

namespace GpuQos.Enforcer.Policies;

/// <summary>The fields of the objectives read from the workload's own metrics: <c>latency</c> and <c>throughput</c>.</summary>
public sealed partial class ObjectiveOptions
{
    /// <summary>
    /// Where the metrics are read: <c>scrape:http://host:port/metrics</c> (read by the daemon every collection
    /// interval) or <c>prometheus:QUERY</c> (PromQL whose result is the objective's value, in <see cref="Unit"/>).
    /// </summary>
    public string? Source { get; init; }

    /// <summary>
    /// For a scrape source: the histogram's base name for <c>latency</c> (<c>_bucket</c>, <c>_sum</c> and
    /// <c>_count</c> are read), or the counter's name for <c>throughput</c> (with or without <c>_total</c>).
    /// </summary>
    public string? Metric { get; init; }

    /// <summary>Labels a series must carry (equal values) to count; every series of the metric when empty.</summary>
    public Dictionary<string, string> Selector { get; init; } = [];

    /// <summary>For <c>latency</c> from a scrape: the quantile (0.99 for p99) of the histogram; the mean of <c>_sum</c>/<c>_count</c> when absent.</summary>
    public double? Quantile { get; init; }

    /// <summary>For <c>latency</c>: the most the quantile (or the mean) may be, e.g. <c>50ms</c>.</summary>
    public TimeSpan? Latency { get; init; }

    /// <summary>For <c>throughput</c>: the least the counter's rate may be, per second.</summary>
    public double? Rate { get; init; }

    /// <summary>The unit the workload's latency metric is in: <c>seconds</c> (the Prometheus convention), <c>milliseconds</c> or <c>microseconds</c> (Triton's <c>_us</c>).</summary>
    public string Unit { get; init; } = PolicyOptionsDefaults.LatencyUnit;

    /// <summary>For <c>latency</c> from a scrape: the fewest requests in the window for the value to count; fewer leave the objective unknown.</summary>
    public int? MinSamples { get; init; }

    /// <summary>
    /// For a latency quantile from a scrape: how sure the window must be that more requests were over the target
    /// than the quantile allows (1 in 100 for p99) before the objective counts as violated, in [0, 1); a
    /// one-sided binomial test, 0.95 when absent. 0 takes the estimated quantile alone. With few requests in the
    /// window the estimated quantile is in effect the slowest request, and this keeps one slow request from
    /// cutting a neighbour.
    /// </summary>
    public double? Confidence { get; init; }

    /// <summary>The source, parsed; null when it is not valid (validation says why).</summary>
    public WorkloadSource? ParsedSource => WorkloadSource.TryParse(Source, out var s, out _) ? s : null;

    /// <summary>Seconds per unit of the workload's latency metric.</summary>
    public double UnitSeconds => Unit switch
    {
        "milliseconds" => 1e-3,
        "microseconds" => 1e-6,
        _ => 1,
    };

    private static readonly Regex _metricName = new("^[a-zA-Z_:][a-zA-Z0-9_:]*$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    private static readonly Regex _labelName = new("^[a-zA-Z_][a-zA-Z0-9_]*$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    private IEnumerable<ValidationResult> ValidateWorkload()
    {
        if (!KnownPolicyTypes.Objectives.IsWorkload(Type))
        {
            foreach (var (name, set) in new (string, bool)[]
            {
                (nameof(Source), Source is not null), (nameof(Metric), Metric is not null), (nameof(Selector), Selector.Count > 0),
                (nameof(Quantile), Quantile is not null), (nameof(Latency), Latency is not null), (nameof(Rate), Rate is not null),
                (nameof(MinSamples), MinSamples is not null), (nameof(Confidence), Confidence is not null),
            })
            {
                if (set)
                {
                    yield return new ValidationResult($"{Type} does not use {Key(name)}; it is for latency and throughput objectives", [name]);
                }
            }

            yield break;
        }

        foreach (var (name, set) in new (string, bool)[] { (nameof(Share), Share is not null), (nameof(Bytes), Bytes is not null), (nameof(Count), Count is not null) })
        {
            if (set)
            {
                yield return new ValidationResult($"{Type} does not use {Key(name)}", [name]);
            }
        }

        if (!WorkloadSource.TryParse(Source, out var source, out var error))
        {
            yield return new ValidationResult(error, [nameof(Source)]);
        }

        var scrape = source?.Kind == WorkloadSource.Scrape;
        if (scrape && string.IsNullOrWhiteSpace(Metric))
        {
            yield return new ValidationResult($"{Type} from a scrape: source needs metric (the {(Type == KnownPolicyTypes.Objectives.Latency ? "histogram's base name, e.g. http_request_duration_seconds" : "counter's name, e.g. requests_total")})", [nameof(Metric)]);
        }
        else if (Metric is not null && !_metricName.IsMatch(Metric))
        {
            yield return new ValidationResult($"metric '{Metric}' is not a Prometheus metric name", [nameof(Metric)]);
        }

        if (source?.Kind == WorkloadSource.Prometheus)
        {
            foreach (var (name, set) in new (string, bool)[] { (nameof(Metric), Metric is not null), (nameof(Quantile), Quantile is not null), (nameof(MinSamples), MinSamples is not null), (nameof(Confidence), Confidence is not null) })
            {
                if (set)
                {
                    yield return new ValidationResult($"a prometheus: source does not use {Key(name)}; the query computes the value", [name]);
                }
            }
        }

        foreach (var label in Selector.Keys.Where(k => !_labelName.IsMatch(k)))
        {
            yield return new ValidationResult($"selector label '{label}' is not a Prometheus label name", [$"selector.{label}"]);
        }

        if (Selector.ContainsKey("le"))
        {
            yield return new ValidationResult("selector cannot pick le: the quantile is taken over every bucket", ["selector.le"]);
        }

        if (Unit is not ("seconds" or "milliseconds" or "microseconds"))
        {
            yield return new ValidationResult($"unit must be seconds, milliseconds or microseconds, got '{Unit}'", [nameof(Unit)]);
        }

        if (MinSamples is < 1)
        {
            yield return new ValidationResult($"minSamples must be 1 or more, got {MinSamples}", [nameof(MinSamples)]);
        }

        if (Confidence is { } c && !(c is >= 0 and < 1))
        {
            yield return new ValidationResult($"confidence must be at least 0 and below 1 (0.95 by default; 0 acts on the estimated quantile alone), got {c}", [nameof(Confidence)]);
        }

        if (Type == KnownPolicyTypes.Objectives.Latency)
        {
            if (Confidence is not null && Quantile is null && source?.Kind != WorkloadSource.Prometheus)
            {
                yield return new ValidationResult("confidence applies to a quantile: a mean of _sum/_count has no requests over the target to count", [nameof(Confidence)]);
            }

            if (Latency is not { } l)
            {
                yield return new ValidationResult("latency needs latency: the most the quantile may be (e.g. 50ms)", [nameof(Latency)]);
            }
            else if (l <= TimeSpan.Zero)
            {
                yield return new ValidationResult($"latency must be above 0, got {l}", [nameof(Latency)]);
            }

            if (Quantile is { } q && !(q is > 0 and < 1))
            {
                yield return new ValidationResult($"quantile must be between 0 and 1, both excluded (0.99 for p99), got {q}", [nameof(Quantile)]);
            }

            if (Rate is not null)
            {
                yield return new ValidationResult("latency does not use rate", [nameof(Rate)]);
            }
        }
        else
        {
            if (Rate is not { } r || !double.IsFinite(r) || r <= 0)
            {
                yield return new ValidationResult($"throughput needs rate: the least the counter may grow per second, above 0{(Rate is { } bad ? $", got {bad}" : "")}", [nameof(Rate)]);
            }

            foreach (var (name, set) in new (string, bool)[] { (nameof(Latency), Latency is not null), (nameof(Quantile), Quantile is not null), (nameof(MinSamples), MinSamples is not null), (nameof(Confidence), Confidence is not null) })
            {
                if (set)
                {
                    yield return new ValidationResult($"throughput does not use {Key(name)}", [name]);
                }
            }
        }
    }

    private static string Key(string property) => char.ToLowerInvariant(property[0]) + property[1..];
}
