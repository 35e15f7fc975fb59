using System.Globalization;
using GpuQos.Enforcer.Evaluation;
using GpuQos.Enforcer.Policies;

namespace GpuQos.Enforcer.Workload;

/// <summary>
/// Evaluates <c>latency</c> and <c>throughput</c> objectives from the workload's own metrics. Values are in
/// seconds (latency) or per second (throughput). A source that cannot be read, or that says too little over the
/// window, makes the objective neither violated nor met, as a failed NVML read does, and is counted on the source.
/// </summary>
public static class WorkloadObjectiveEvaluator
{
    /// <summary>Evaluates <paramref name="objective"/> over its window, ending now on the readings' clock.</summary>
    /// <param name="objective">A latency or throughput objective.</param>
    /// <param name="readings">The sources' reads; null when no sampler runs (every such objective is unknown).</param>
    /// <param name="hysteresis">The policy's hysteresis, as a fraction of the target.</param>
    public static ObjectiveResult Evaluate(ObjectiveOptions objective, WorkloadReadings? readings, double hysteresis)
    {
        ArgumentNullException.ThrowIfNull(objective);
        var latency = objective.Type == KnownPolicyTypes.Objectives.Latency;
        var target = latency ? objective.Latency?.TotalSeconds ?? 0 : objective.Rate ?? 0;
        if (readings is null || objective.ParsedSource is not { } source)
        {
            return Unknown(objective, target);
        }

        var (value, why, tail) = MeasureWithTail(objective, source, readings, latency);
        if (value is not { } v)
        {
            readings.NoteUnknown(source, why ?? "unknown");
            return Unknown(objective, target);
        }

        // A quantile over the target is a violation only when the requests over it are more than the quantile
        // allows by chance (TailEvidence); met with margin stays the point estimate, so capacity is handed back
        // as before and taken only on evidence.
        return latency
            ? new ObjectiveResult(objective.Type, v, target, v > target && tail is not { Significant: false }, v <= target * (1 - hysteresis), tail)
            : new ObjectiveResult(objective.Type, v, target, v < target, v >= target * (1 + hysteresis));
    }

    /// <summary>The objective's value over its window (seconds or per second), or why there is none.</summary>
    public static (double? Value, string? Why) Measure(ObjectiveOptions objective, WorkloadSource source, WorkloadReadings readings, bool latency)
    {
        var (value, why, _) = MeasureWithTail(objective, source, readings, latency);
        return (value, why);
    }

    // The value, and for a quantile from a histogram the requests over the target and whether they are evidence.
    private static (double? Value, string? Why, TailCount? Tail) MeasureWithTail(ObjectiveOptions objective, WorkloadSource source, WorkloadReadings readings, bool latency)
    {
        ArgumentNullException.ThrowIfNull(objective);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(readings);
        var now = readings.Time.GetUtcNow();
        var window = readings.Since(source, now - objective.Window);
        var unit = latency ? objective.UnitSeconds : 1;
        if (source.Kind == WorkloadSource.Prometheus)
        {
            // The query computes the value over its own range; only a fresh answer counts.
            if (window.Count == 0 || window[^1].At < now - objective.Window)
            {
                return (null, "no answer from Prometheus within the window", null);
            }

            var matched = window[^1].Samples.Where(s => s.Matches(objective.Selector)).ToList();
            return matched.Count switch
            {
                0 => (null, "the query returned no series the selector matches", null),
                > 1 => (null, Invariant($"the query returned {matched.Count} series the selector matches; aggregate them or narrow the selector"), null),
                _ when !double.IsFinite(matched[0].Value) => (null, "the query returned NaN (no requests in its range?)", null),
                _ => (matched[0].Value * unit, null, null),
            };
        }

        if (window.Count < 2)
        {
            return (null, Invariant($"{window.Count} read(s) in the {objective.Window.TotalSeconds:0.#} s window; 2 are needed"), null);
        }

        var metric = objective.Metric ?? "";
        if (!latency)
        {
            var counted = WorkloadWindow.Increases(window, s => (s.Name == metric || s.Name == metric + "_total") && s.Matches(objective.Selector), _ => "");
            if (counted.Count == 0)
            {
                return (null, $"no series of {metric} matches the selector", null);
            }

            var seconds = (window[^1].At - window[0].At).TotalSeconds;
            return seconds > 0 ? (counted[""] / seconds, null, null) : (null, "the reads in the window are all at one instant", null);
        }

        var minSamples = objective.MinSamples ?? PolicyOptionsDefaults.MinSamples;
        if (objective.Quantile is { } q)
        {
            var bucket = metric + "_bucket";
            var increases = WorkloadWindow.Increases(window, s => s.Name == bucket && s.Labels.ContainsKey("le") && s.Matches(objective.Selector), s => s.Labels["le"]);
            var buckets = new List<(double Upper, double Count)>();
            foreach (var (le, count) in increases)
            {
                if (ExpositionParser.TryParseValue(le, out var upper))
                {
                    buckets.Add((upper, count));
                }
            }

            if (buckets.Count == 0)
            {
                return (null, $"no {bucket} series matches the selector (for the mean of a sum and a count, leave quantile out)", null);
            }

            var requests = buckets.Where(b => double.IsPositiveInfinity(b.Upper)).Select(b => b.Count).DefaultIfEmpty(0).First();
            if (requests < minSamples)
            {
                return (null, Invariant($"{requests:0} request(s) in the window; minSamples is {minSamples}"), null);
            }

            var quantile = WorkloadWindow.Quantile(q, buckets);
            if (!double.IsFinite(quantile))
            {
                return (null, $"{bucket} has no +Inf bucket", null);
            }

            var over = WorkloadWindow.CountAbove((objective.Latency?.TotalSeconds ?? 0) / unit, buckets);
            var confidence = objective.Confidence ?? PolicyOptionsDefaults.Confidence;
            return (quantile * unit, null, new TailCount(requests, over, TailEvidence.Significant(requests, over, q, confidence), (window[^1].At - window[0].At).TotalSeconds));
        }

        var sum = WorkloadWindow.Increases(window, s => s.Name == metric + "_sum" && s.Matches(objective.Selector), _ => "");
        var n = WorkloadWindow.Increases(window, s => s.Name == metric + "_count" && s.Matches(objective.Selector), _ => "");
        if (sum.Count == 0 || n.Count == 0)
        {
            return (null, $"no {metric}_sum and {metric}_count series match the selector", null);
        }

        return n[""] < minSamples
            ? (null, Invariant($"{n[""]:0} request(s) in the window; minSamples is {minSamples}"), null)
            : (sum[""] / n[""] * unit, null, null);
    }

    private static ObjectiveResult Unknown(ObjectiveOptions objective, double target) => new(objective.Type, null, target, false, false);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
