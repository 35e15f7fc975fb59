using GpuQos.Advisor.Advice;
using GpuQos.Model.Devices;

namespace GpuQos.Advisor.Output;

/// <summary>
/// A mig-parted configuration (<c>version: v1</c>, <c>mig-configs</c>) that applies the advice to one host's
/// MIG-capable GPUs: <c>nvidia-mig-parted apply -f FILE -c gpuqos-advice</c>. GPUs that should leave MIG get
/// <c>mig-enabled: false</c>; GPUs whose model has no MIG are left out.
/// </summary>
public static class MigPartedConfig
{
    /// <summary>The name of the configuration inside the file.</summary>
    public const string ConfigName = "gpuqos-advice";

    /// <summary>The YAML, or null when the host has no MIG-capable GPU.</summary>
    public static string? Write(HostAdvice host)
    {
        var entries = new List<object>();
        foreach (var gpu in host.Gpus)
        {
            if (gpu.Recommended is not { } rec || GpuModels.Find(gpu.Model) is not { SupportsMig: true })
            {
                continue;
            }

            var entry = new Dictionary<string, object> { ["devices"] = new[] { gpu.Gpu } };
            if (rec.Candidate.Mode == SharingMode.Mig)
            {
                entry["mig-enabled"] = true;
                entry["mig-devices"] = rec.Candidate.MigProfiles.GroupBy(p => p, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
            }
            else
            {
                entry["mig-enabled"] = false;
            }

            entries.Add(entry);
        }

        if (entries.Count == 0)
        {
            return null;
        }

        var document = new Dictionary<string, object>
        {
            ["version"] = "v1",
            ["mig-configs"] = new Dictionary<string, object> { [ConfigName] = entries },
        };
        return YamlText.Write(document, $"""
            mig-parted configuration advised by GpuQos for {host.Host}. Review, then apply on an idle GPU:
              nvidia-mig-parted apply -f mig-parted.yaml -c {ConfigName}
            Changing MIG mode usually needs a GPU reset. GpuQos never applies it itself.
            """);
    }
}
