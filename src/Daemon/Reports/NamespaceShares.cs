namespace GpuQos.Daemon.Reports;

/// <summary>
/// How each (host, GPU, tenant)'s time divides among its pods' namespaces: their sampled SM shares added up over
/// the window (<see cref="UsageQueries.NamespaceWeights"/>, range by range), as fractions that add up to 1.
/// </summary>
internal sealed class NamespaceShares
{
    private readonly Dictionary<(string Instance, string Uuid, string Tenant), Dictionary<string, double>> _sampled = [];

    /// <summary>Adds a range's summed shares of one (host, GPU, tenant) in one namespace.</summary>
    public void Add(UsageSeries series, string ns, double value)
    {
        if (!double.IsFinite(value) || value <= 0)
        {
            return;
        }

        var key = (series.Instance, series.Uuid, series.Tenant);
        if (!_sampled.TryGetValue(key, out var namespaces))
        {
            _sampled[key] = namespaces = new Dictionary<string, double>(StringComparer.Ordinal);
        }

        namespaces[ns] = namespaces.GetValueOrDefault(ns) + value;
    }

    /// <summary>The series' namespaces with their shares; time no pod sample accounts for goes to the empty namespace rather than being guessed.</summary>
    public IEnumerable<(string Namespace, double Share)> Of(UsageSeries series)
    {
        if (!_sampled.TryGetValue((series.Instance, series.Uuid, series.Tenant), out var namespaces))
        {
            return [("", 1)];
        }

        var sum = namespaces.Values.Sum();
        return namespaces.Select(n => (n.Key, n.Value / sum));
    }
}
