using GpuQos.Enforcer.Evaluation;

namespace GpuQos.Enforcer.Engine;

/// <summary>
/// The time each objective of a track was met and violated: the good and bad time an objective's SLO burn rate is
/// computed from. Each interval between two evaluations counts for the result at its end (the value over the
/// window that ends there). An unknown objective (a source that could not be read, too few requests) counts in
/// neither, so an outage of the workload's metrics neither spends the error budget nor earns it.
/// </summary>
internal sealed class ObjectiveClock
{
    private double[] _met = [];
    private double[] _violated = [];
    private DateTimeOffset? _last;

    /// <summary>Counts the time since the last evaluation for <paramref name="results"/>.</summary>
    public void Add(DateTimeOffset now, ReadOnlySpan<ObjectiveResult> results)
    {
        if (_met.Length != results.Length)
        {
            // The policy's objectives changed (a reload): their counters start again, which Prometheus reads as a reset.
            (_met, _violated, _last) = (new double[results.Length], new double[results.Length], null);
        }

        if (_last is { } last && now > last)
        {
            var seconds = (now - last).TotalSeconds;
            for (var i = 0; i < results.Length; i++)
            {
                if (results[i].Violated)
                {
                    _violated[i] += seconds;
                }
                else if (results[i].Value is not null)
                {
                    _met[i] += seconds;
                }
            }
        }

        _last = now;
    }

    /// <summary>The seconds met and violated so far, by objective index.</summary>
    public IReadOnlyList<ObjectiveSeconds> Seconds()
    {
        // Called for every track every cycle (the enforcer's view): one array, no iterator.
        var seconds = new ObjectiveSeconds[_met.Length];
        for (var i = 0; i < seconds.Length; i++)
        {
            seconds[i] = new ObjectiveSeconds(_met[i], _violated[i]);
        }

        return seconds;
    }
}
