namespace GpuQos.Advisor.History;

/// <summary>
/// One workload's use of one GPU in one minute (a tenant, or a process or partition where no tenant is known):
/// its SM shares where known and the most memory it held. Open while the minute runs, then closed into a
/// <see cref="DemandSketch"/> and two numbers.
/// </summary>
internal sealed class UsageTally
{
    private List<ushort>? _open = [];
    private double _min = double.PositiveInfinity;
    private double _max = double.NegativeInfinity;

    /// <summary>The most memory the workload held in the minute; <see cref="long.MinValue"/> before any record.</summary>
    public long MaxMemory { get; private set; } = long.MinValue;

    /// <summary>The minute's shares once it is closed; null before, or when none was known.</summary>
    public DemandSketch? Shares { get; private set; }

    /// <summary>Adds one cycle's record: a share where known and finite, and the memory held.</summary>
    public void Add(double? share, long memoryBytes)
    {
        AddShare(share);
        MaxMemory = Math.Max(MaxMemory, memoryBytes);
    }

    /// <summary>Adds one cycle's share where known and finite.</summary>
    public void AddShare(double? share)
    {
        if (_open is null)
        {
            throw new InvalidOperationException("the minute is closed");
        }

        if (share is { } s && double.IsFinite(s))
        {
            _open.Add(DemandSketch.BinOf(s));
            _min = Math.Min(_min, s);
            _max = Math.Max(_max, s);
        }
    }

    /// <summary>Turns the open samples into their sketch and lets them go.</summary>
    public void Close()
    {
        if (_open is null)
        {
            return;
        }

        Shares = DemandSketch.From(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_open), _min, _max);
        _open = null;
    }

    /// <summary>The minute's shares so far: the closed sketch, or one built from a copy of the open samples.</summary>
    public DemandSketch? SharesNow() => _open is null ? Shares : DemandSketch.From(_open.ToArray(), _min, _max);
}
