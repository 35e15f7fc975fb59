namespace GpuQos.Collectors.Attribution;

/// <summary>The configured tenants, compiled, in order: the first tenant with a matching selector wins.</summary>
public sealed class TenantCatalog
{
    private readonly (string Name, TenantSelector[] Selectors)[] _tenants;

    public TenantCatalog(IEnumerable<TenantOptions> tenants) =>
        _tenants = tenants.Select(t => (t.Name, t.Match.Select(m => new TenantSelector(m)).ToArray())).ToArray();

    /// <summary>Number of tenants.</summary>
    public int Count => _tenants.Length;

    /// <summary>The first tenant that claims <paramref name="subject"/>, or empty when none does.</summary>
    public string Match(AttributionSubject subject)
    {
        foreach (var (name, selectors) in _tenants)
        {
            foreach (var selector in selectors)
            {
                if (selector.Matches(subject))
                {
                    return name;
                }
            }
        }

        return "";
    }
}
