using GpuQos.Advisor.Advice;

namespace GpuQos.Advisor.Output;

/// <summary>
/// The ready-to-apply files of each host, to be written under a directory as <c>DIR/HOST/…</c>. This type only
/// names and renders them; the caller writes them (gpuqos writes each through a temporary file and a rename).
/// </summary>
public static class AdviceFiles
{
    public const string MigParted = "mig-parted.yaml";
    public const string DevicePlugin = "device-plugin.yaml";
    public const string Suggestions = "gpuqos-suggestions.yaml";

    /// <summary>Every file the advice of <paramref name="hosts"/> calls for: the host's directory name, the file name and its text.</summary>
    public static IReadOnlyList<AdviceFile> Render(IEnumerable<HostAdvice> hosts)
    {
        ArgumentNullException.ThrowIfNull(hosts);
        var files = new List<AdviceFile>();
        foreach (var host in hosts)
        {
            var dir = SafeName(host.Host);
            Add(MigPartedConfig.Write(host), MigParted);
            Add(DevicePluginConfig.Write(host), DevicePlugin);
            Add(TenantSuggestions.Write(host), Suggestions);

            void Add(string? text, string name)
            {
                if (text is not null)
                {
                    files.Add(new AdviceFile(dir, name, text));
                }
            }
        }

        return files;
    }

    /// <summary>
    /// A directory name for a host (<c>10.0.0.5:9450</c> → <c>10.0.0.5_9450</c>). The host comes from evidence
    /// (a Prometheus label), so a name that would leave the output directory (<c>.</c>, <c>..</c>) is refused.
    /// </summary>
    public static string SafeName(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var name = new string([.. host.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_')]);
        return name.Length == 0 || name.All(c => c == '.')
            ? throw new ArgumentException($"host '{host}' cannot name a directory of advice files", nameof(host))
            : name;
    }
}

/// <summary>One file of advice: the host's directory, the file's name, its text.</summary>
public sealed record AdviceFile(string HostDirectory, string Name, string Text);
