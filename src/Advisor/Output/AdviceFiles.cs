using GpuQos.Advisor.Advice;

namespace GpuQos.Advisor.Output;

/// <summary>Writes the ready-to-apply files of each host under a directory: <c>DIR/HOST/…</c>.</summary>
public static class AdviceFiles
{
    public const string MigParted = "mig-parted.yaml";
    public const string DevicePlugin = "device-plugin.yaml";
    public const string Suggestions = "gpuqos-suggestions.yaml";

    /// <summary>Writes the files and returns their paths.</summary>
    public static IReadOnlyList<string> Write(string directory, IEnumerable<HostAdvice> hosts)
    {
        var written = new List<string>();
        foreach (var host in hosts)
        {
            var dir = Path.Combine(directory, SafeName(host.Host));
            Directory.CreateDirectory(dir);
            Put(MigPartedConfig.Write(host), MigParted);
            Put(DevicePluginConfig.Write(host), DevicePlugin);
            Put(TenantSuggestions.Write(host), Suggestions);

            void Put(string? text, string name)
            {
                if (text is null)
                {
                    return;
                }

                var path = Path.Combine(dir, name);
                File.WriteAllText(path, text);
                written.Add(path);
            }
        }

        return written;
    }

    /// <summary>A directory name for a host (<c>10.0.0.5:9450</c> → <c>10.0.0.5_9450</c>).</summary>
    internal static string SafeName(string host) =>
        new([.. host.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_')]);
}
