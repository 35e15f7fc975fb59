namespace GpuQos.Enforcer.Evaluation;

/// <summary>One objective evaluated over its window. A value: thousands are made every cycle.</summary>
/// <param name="Type">The objective type.</param>
/// <param name="Value">The measured value (share 0..1, bytes, a count, seconds of latency or a rate per second); null when it cannot be known (SM share under MPS, a workload metrics source unread).</param>
/// <param name="Target">The objective's target in the same unit.</param>
/// <param name="Violated">True when the value is on the wrong side of the target.</param>
/// <param name="Clear">True when the value is inside the target by at least the hysteresis (or the objective does not apply now).</param>
public readonly record struct ObjectiveResult(string Type, double? Value, double Target, bool Violated, bool Clear);
