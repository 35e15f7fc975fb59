namespace GpuQos.Enforcer.Workload;

/// <summary>
/// Where a latency or throughput objective reads the workload's metrics: <c>scrape:URL</c>, the workload's own
/// metrics endpoint, or <c>prometheus:QUERY</c>, a PromQL query against the configured Prometheus server.
/// </summary>
/// <param name="Kind"><see cref="Scrape"/> or <see cref="Prometheus"/>.</param>
/// <param name="Target">The URL to scrape, or the PromQL query.</param>
public sealed record WorkloadSource(string Kind, string Target)
{
    /// <summary>The kind of a <c>scrape:</c> source.</summary>
    public const string Scrape = "scrape";

    /// <summary>The kind of a <c>prometheus:</c> source.</summary>
    public const string Prometheus = "prometheus";

    /// <summary>The URL of a scrape source.</summary>
    public Uri Url => Kind == Scrape ? new Uri(Target, UriKind.Absolute) : throw new InvalidOperationException($"a {Kind} source has no URL");

    /// <summary>Parses <paramref name="text"/>; on failure <paramref name="error"/> says why.</summary>
    public static bool TryParse(string? text, out WorkloadSource? source, out string? error)
    {
        source = null;
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "source is required: scrape:URL (the workload's metrics endpoint) or prometheus:QUERY (PromQL)";
            return false;
        }

        var colon = text.IndexOf(':', StringComparison.Ordinal);
        var kind = colon < 0 ? text : text[..colon];
        var target = colon < 0 ? "" : text[(colon + 1)..].Trim();
        switch (kind)
        {
            case Scrape:
                if (!Uri.TryCreate(target, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps) || url.Host.Length == 0)
                {
                    error = $"scrape: needs an absolute http or https URL, got '{target}'";
                    return false;
                }

                source = new WorkloadSource(Scrape, url.ToString());
                return true;
            case Prometheus:
                if (target.Length == 0)
                {
                    error = "prometheus: needs a PromQL query after the colon";
                    return false;
                }

                source = new WorkloadSource(Prometheus, target);
                return true;
            default:
                error = $"source must start with scrape: or prometheus:, got '{(text.Length > 40 ? text[..40] + "…" : text)}'";
                return false;
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"{Kind}:{Target}";
}
