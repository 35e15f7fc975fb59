using System.Collections;

namespace GpuQos.Model.Snapshots;

/// <summary>
/// A snapshot's per-tenant usage, indexed by (tenant, GPU) while it is the latest: the SLA evaluator asks for
/// each tenant's usage of each GPU it runs on in every new snapshot, which a scan of 500+ entries made the bulk
/// of a cycle's work on a busy host.
/// </summary>
/// <remarks>
/// The index is built on the first lookup and dropped when the snapshot enters the history
/// (<see cref="HostSnapshot.Compact"/>): the evaluator keeps what it looked up across cycles, so the history's
/// snapshots are rarely asked again, and the index was a third of each one's memory. Lookups after that scan.
/// </remarks>
public sealed class TenantUsages : IReadOnlyList<TenantUsage>
{
    private readonly TenantUsage[] _items;
    private volatile Dictionary<(string Tenant, int Gpu), TenantUsage>? _index;
    private volatile bool _released;

    public TenantUsages(IEnumerable<TenantUsage> items) => _items = [.. items];

    private TenantUsages(TenantUsage[] items) => _items = items;

    /// <summary>Wraps <paramref name="items"/> without a copy: the caller hands the array over and never writes it again.</summary>
    internal static TenantUsages Wrap(TenantUsage[] items) => new(items);

    public int Count => _items.Length;

    public TenantUsage this[int index] => _items[index];

    /// <summary>The tenant's usage of the GPU, or null when it has none there.</summary>
    public TenantUsage? Find(string tenant, int gpu)
    {
        if (_index is { } index)
        {
            return index.GetValueOrDefault((tenant, gpu));
        }

        if (!_released)
        {
            // Readers may race to build it; each builds the same index and one of them is kept.
            var built = new Dictionary<(string, int), TenantUsage>(_items.Length);
            foreach (var item in _items)
            {
                built.TryAdd((item.Tenant, item.Gpu), item);
            }

            Interlocked.CompareExchange(ref _index, built, null);
            return built.GetValueOrDefault((tenant, gpu));
        }

        foreach (var item in _items)
        {
            if (item.Gpu == gpu && string.Equals(item.Tenant, tenant, StringComparison.Ordinal))
            {
                return item;
            }
        }

        return null;
    }

    /// <summary>Whether lookups use an index now (for tests).</summary>
    public bool Indexed => _index is not null;

    /// <summary>Drops the index for good; lookups scan from now on. Called when the snapshot enters the history.</summary>
    public void ReleaseIndex()
    {
        _released = true;
        _index = null;
    }

    public IEnumerator<TenantUsage> GetEnumerator() => ((IEnumerable<TenantUsage>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
