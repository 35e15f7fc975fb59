using System.Text;
using GpuQos.Advisor.Evidence;
using GpuQos.Model.Devices;

namespace GpuQos.Advisor.Candidates;

/// <summary>
/// Remembers <see cref="MigGeometrySearch"/>'s geometries between advices. The daemon recomputes its advice every
/// <see cref="Exposition.LiveAdvice.Refresh"/> over evidence that changes little: the same tenants, with memory peaks
/// that fit the same profiles. The search is the advice's largest cost (on the scale host, 8 MIG GPUs of 7 tenants,
/// about half of it), and its result depends only on the model, the tenants' names in order and the profiles each
/// tenant's peak fits. That is the key: a tenant whose peak grows into a larger profile is a new search.
/// </summary>
/// <remarks>
/// Each tenant's eligible profiles are the usable profiles whose memory holds its peak with headroom: a threshold on
/// memory, so the eligible sets of any two peaks are nested, and a set is named by its size. The memo holds at most
/// <see cref="Capacity"/> searches and starts empty again when full, so a host whose tenants keep changing holds no
/// more than that. Safe for concurrent use.
/// </remarks>
public sealed class MigGeometryMemo
{
    /// <summary>How many searches are kept before the memo starts again.</summary>
    public const int Capacity = 256;

    private readonly Dictionary<string, IReadOnlyList<Candidate>> _geometries = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>Searches remembered now.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _geometries.Count;
            }
        }
    }

    /// <summary>Searches answered from the memo since it was made.</summary>
    public long Hits { get; private set; }

    internal IReadOnlyList<Candidate> GetOrAdd(
        GpuModel model,
        IReadOnlyList<TenantEvidence> tenants,
        MigProfile[][] eligible,
        Func<GpuModel, IReadOnlyList<TenantEvidence>, MigProfile[][], List<Candidate>> search)
    {
        var key = Key(model, tenants, eligible);
        lock (_lock)
        {
            if (_geometries.TryGetValue(key, out var known))
            {
                Hits++;
                return known;
            }
        }

        IReadOnlyList<Candidate> found = [.. search(model, tenants, eligible)];
        lock (_lock)
        {
            if (_geometries.Count >= Capacity)
            {
                _geometries.Clear();
            }

            _geometries[key] = found;
        }

        return found;
    }

    private static string Key(GpuModel model, IReadOnlyList<TenantEvidence> tenants, MigProfile[][] eligible)
    {
        var key = new StringBuilder(model.Key.Length + (tenants.Count * 16));
        key.Append(model.Key);
        for (var i = 0; i < tenants.Count; i++)
        {
            // Each name prefixed with its length, so no two different lists make the same key.
            var name = tenants[i].Name;
            key.Append('|').Append(name.Length).Append(':').Append(name).Append('=').Append(eligible[i].Length);
        }

        return key.ToString();
    }
}
