namespace GpuQos.IsolationProbes.Audit;

/// <summary>
/// The outcome of one probe on one pair of partitions (or one partition, for capacity). Part of the
/// versioned report schema (docs/probes.md): add fields, never rename them.
/// </summary>
public sealed record ProbeResult
{
    /// <summary>Probe name (<c>compute</c>, <c>bandwidth</c>, …).</summary>
    public required string Probe { get; init; }

    /// <summary>The <c>gpu</c> label of the partitions.</summary>
    public required string Gpu { get; init; }

    /// <summary>Victim partition (or the probed partition).</summary>
    public required string Victim { get; init; }

    /// <summary>Aggressor partition; empty for single-partition probes.</summary>
    public string Aggressor { get; init; } = "";

    /// <summary>Sharing mode label that picked the threshold.</summary>
    public required string Mode { get; init; }

    /// <summary><c>passed</c>, <c>failed</c> (isolation violated), <c>reported</c> (no threshold applies) or <c>error</c>.</summary>
    public required string Verdict { get; init; }

    /// <summary>True unless the verdict is failed or error.</summary>
    public bool Passed => Verdict is ProbeVerdicts.Passed or ProbeVerdicts.Reported;

    /// <summary>One sentence a person can act on.</summary>
    public required string Summary { get; init; }

    /// <summary>The threshold the verdict used, if any (slowdown ratio, bit/s, bytes or count).</summary>
    public double? Threshold { get; init; }

    /// <summary>Median contended / median baseline time (timing probes).</summary>
    public double? Slowdown { get; init; }

    /// <summary>Lower bound of the 95 % bootstrap interval of the slowdown.</summary>
    public double? SlowdownLow { get; init; }

    /// <summary>Upper bound of the 95 % bootstrap interval of the slowdown.</summary>
    public double? SlowdownHigh { get; init; }

    /// <summary>Mann–Whitney p-value: baseline against contended timings, or 0-slots against 1-slots for the covert channel.</summary>
    public double? PValue { get; init; }

    /// <summary>Victim timings alone, seconds.</summary>
    public IReadOnlyList<double> BaselineSeconds { get; init; } = [];

    /// <summary>Victim timings beside the aggressor, seconds.</summary>
    public IReadOnlyList<double> ContendedSeconds { get; init; } = [];

    /// <summary>Probe-specific figures: bytes found, canary words, mismatches, bit rate, BER, capacity.</summary>
    public IReadOnlyDictionary<string, double> Values { get; init; } = new Dictionary<string, double>();

    /// <summary>The covert channel's trace (covert probe only).</summary>
    public CovertTrace? Trace { get; init; }
}

/// <summary>A covert-channel transmission: what was sent, what the receiver counted per slot, what it decoded.</summary>
/// <param name="Sent">Bits sent.</param>
/// <param name="Counts">Victim kernels the receiver completed in each slot.</param>
/// <param name="Threshold">Decision threshold on the counts (fewer means 1).</param>
/// <param name="Decoded">Bits decoded.</param>
/// <param name="SlotSeconds">Length of one slot.</param>
public sealed record CovertTrace(string Sent, IReadOnlyList<long> Counts, double Threshold, string Decoded, double SlotSeconds);

/// <summary>Verdict spellings.</summary>
public static class ProbeVerdicts
{
    public const string Passed = "passed";
    public const string Failed = "failed";
    public const string Reported = "reported";
    public const string Error = "error";
}
