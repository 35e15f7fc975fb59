using System.ComponentModel.DataAnnotations;
using System.Net;

namespace GpuQos.Daemon.Configuration;

/// <summary>Which backend the daemon reads the GPUs through.</summary>
public enum BackendKind
{
    /// <summary>NVML when it loads and reports a GPU; otherwise refuse to start, naming <c>--backend sim</c>.</summary>
    Auto,

    /// <summary>The real <c>libnvidia-ml.so.1</c>.</summary>
    Nvml,

    /// <summary>The simulated host.</summary>
    Sim,
}

/// <summary>Daemon settings. Command-line options override them.</summary>
public sealed class SettingsOptions : IValidatableObject
{
    /// <summary>Backend; <c>--backend</c> overrides it.</summary>
    public BackendKind Backend { get; init; } = BackendKind.Auto;

    /// <summary>Scenario file for the simulated backend; the built-in demo host when absent.</summary>
    public string? Scenario { get; init; }

    /// <summary>Address and port of the HTTP server; <c>--listen</c> overrides it.</summary>
    public string Listen { get; init; } = SettingsDefaults.Listen;

    /// <summary>Collection interval.</summary>
    public TimeSpan Interval { get; init; } = SettingsDefaults.Interval;

    /// <summary>
    /// How far back the daemon remembers: the live advice's evidence, kept as per-minute summaries, and the most
    /// snapshot history a policy window can read. Snapshots themselves are kept only as far back as the longest
    /// objective window of the policies in force needs.
    /// </summary>
    public TimeSpan History { get; init; } = SettingsDefaults.History;

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Interval < TimeSpan.FromMilliseconds(100) || Interval > TimeSpan.FromMinutes(5))
        {
            yield return new ValidationResult("interval must be between 100ms and 5m", [nameof(Interval)]);
        }

        if (History < Interval)
        {
            yield return new ValidationResult("history must be at least one interval", [nameof(History)]);
        }
        else if (History / Interval > 100_000)
        {
            yield return new ValidationResult("history holds more than 100000 intervals; shorten it or lengthen the interval", [nameof(History)]);
        }

        if (!SettingsDefaults.TryParseListen(Listen, out _))
        {
            yield return new ValidationResult($"'{Listen}' is not ADDRESS:PORT (e.g. 0.0.0.0:9450 or [::1]:9450)", [nameof(Listen)]);
        }
    }
}

/// <summary>Defaults and parsing for <see cref="SettingsOptions"/>.</summary>
public static class SettingsDefaults
{
    /// <summary>All interfaces, port 9450: Prometheus scrapes from another host. Protect it with the network, TLS or basic auth.</summary>
    public const string Listen = "0.0.0.0:9450";

    /// <summary>One second: fast enough to react within seconds, cheap enough to stay under 1% of a core.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    /// <summary>Ten minutes of snapshots for policy windows.</summary>
    public static readonly TimeSpan History = TimeSpan.FromMinutes(10);

    /// <summary>Parses <c>ADDRESS:PORT</c>.</summary>
    public static bool TryParseListen(string text, out IPEndPoint endpoint)
    {
        endpoint = new IPEndPoint(IPAddress.Any, 0);
        if (text.StartsWith("localhost:", StringComparison.OrdinalIgnoreCase))
        {
            text = "127.0.0.1" + text[9..];
        }

        if (text.StartsWith(':'))
        {
            text = "0.0.0.0" + text;
        }

        if (!IPEndPoint.TryParse(text, out var parsed) || parsed.Port is < 0 or > 65535 || !text.Contains(':', StringComparison.Ordinal))
        {
            return false;
        }

        endpoint = parsed;
        return true;
    }
}
