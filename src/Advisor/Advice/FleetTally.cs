using GpuQos.Advisor.Evidence;

namespace GpuQos.Advisor.Advice;

/// <summary>
/// Adds hosts' advice up one host at a time, into the <see cref="FleetSummary"/> that <see cref="FleetSummarizer"/>
/// gives for all of them at once. It keeps the summary's counts and lines, never a host's evidence or advice, so that
/// <c>gpuqos advise --prometheus</c> can write each host and let it go (a thousand hosts' advice with its evidence
/// is hundreds of MiB).
/// </summary>
public sealed class FleetTally
{
    private readonly List<string> _freeable = [];
    private readonly List<string> _weak = [];
    private int _hosts;
    private int _gpus;
    private int _changes;

    /// <summary>Adds one host's evidence and the advice given for it.</summary>
    public void Add(AdvisorEvidence evidence, HostAdvice advice)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        ArgumentNullException.ThrowIfNull(advice);
        _freeable.AddRange(FleetSummarizer.Freeable(evidence));
        _weak.AddRange(FleetSummarizer.WeaklyIsolated(evidence, advice));
        _hosts++;
        _gpus += advice.Gpus.Count;
        _changes += advice.Gpus.Count(g => g.Change);
    }

    /// <summary>The summary of the hosts added so far.</summary>
    public FleetSummary Summary() => new(_hosts, _gpus, _changes, [.. _freeable], [.. _weak]);
}
