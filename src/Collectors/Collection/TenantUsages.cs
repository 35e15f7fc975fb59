using System.Collections;

namespace GpuQos.Collectors.Collection;

/// <summary>
/// A snapshot's per-tenant usage, indexed by (tenant, GPU): the SLA evaluator asks for one tenant's usage of
/// one GPU in every snapshot of every window, which a scan of 500+ entries made the bulk of a cycle's work on
/// a busy host.
/// </summary>
public sealed class TenantUsages : IReadOnlyList<TenantUsage>
{
    private readonly TenantUsage[] _items;
    private readonly Dictionary<(string Tenant, int Gpu), TenantUsage> _index;

    public TenantUsages(IEnumerable<TenantUsage> items)
    {
        _items = [.. items];
        _index = new Dictionary<(string, int), TenantUsage>(_items.Length);
        foreach (var item in _items)
        {
            _index.TryAdd((item.Tenant, item.Gpu), item);
        }
    }

    public int Count => _items.Length;

    public TenantUsage this[int index] => _items[index];

    /// <summary>The tenant's usage of the GPU, or null when it has none there.</summary>
    public TenantUsage? Find(string tenant, int gpu) => _index.GetValueOrDefault((tenant, gpu));

    public IEnumerator<TenantUsage> GetEnumerator() => ((IEnumerable<TenantUsage>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
