using System.Globalization;

namespace GpuQos.Collectors.Exposition;

/// <summary>
/// The <c>pid</c> label text of the processes seen in the last two cycles, so a process that stays does not
/// cost a new string every cycle. Entries for processes gone for a whole cycle are dropped.
/// </summary>
internal sealed class PidLabels
{
    private Dictionary<int, string> _previous = [];
    private Dictionary<int, string> _current = [];

    /// <summary>The label text of <paramref name="pid"/>.</summary>
    public string Of(int pid)
    {
        if (!_current.TryGetValue(pid, out var text))
        {
            if (!_previous.TryGetValue(pid, out text))
            {
                text = pid.ToString(CultureInfo.InvariantCulture);
            }

            _current[pid] = text;
        }

        return text;
    }

    /// <summary>Ends a cycle: what was not asked for in it is forgotten at the end of the next.</summary>
    public void EndCycle()
    {
        (_previous, _current) = (_current, _previous);
        _current.Clear();
    }
}
