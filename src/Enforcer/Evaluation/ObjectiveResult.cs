namespace GpuQos.Enforcer.Evaluation;

/// <summary>One objective evaluated over its window. A value: thousands are made every cycle.</summary>
/// <param name="Type">The objective type.</param>
/// <param name="Value">The measured value (share 0..1, bytes, a count, seconds of latency or a rate per second); null when it cannot be known (SM share under MPS, a workload metrics source unread).</param>
/// <param name="Target">The objective's target in the same unit.</param>
/// <param name="Violated">True when the value is on the wrong side of the target (for a latency quantile, by more than chance: see <see cref="Tail"/>).</param>
/// <param name="Clear">True when the value is inside the target by at least the hysteresis (or the objective does not apply now).</param>
/// <param name="Tail">For a latency quantile from a histogram: the requests in the window and how many were over the target; null otherwise.</param>
public readonly record struct ObjectiveResult(string Type, double? Value, double Target, bool Violated, bool Clear, TailCount? Tail = null);

/// <summary>A latency quantile's evidence: of <paramref name="Requests"/> in the window, <paramref name="Over"/> were over the target (interpolated inside the bucket that holds it).</summary>
/// <param name="Requests">Requests in the window.</param>
/// <param name="Over">Of those, over the target.</param>
/// <param name="Significant">Whether that count is more than the quantile allows by chance, at the objective's confidence.</param>
/// <param name="Seconds">The time between the window's first and last read, over which the requests were counted; 0 when not known.</param>
public readonly record struct TailCount(double Requests, double Over, bool Significant, double Seconds = 0)
{
    /// <summary>Requests a second over the window; null when its span is not known.</summary>
    public double? Rate => Seconds > 0 ? Requests / Seconds : null;

    /// <summary>In words, for logs and the state: "3 of 40 requests over" and, when the count is not evidence, "within chance".</summary>
    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Over:0} of {Requests:0} requests over{(Significant ? "" : ", within chance")}");
}
