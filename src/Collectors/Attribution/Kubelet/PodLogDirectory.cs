namespace GpuQos.Collectors.Attribution.Kubelet;

/// <summary>
/// Pod UID to namespace and name, from the names of the kubelet's pod log directories. PodResources lists
/// pods by name without their UIDs, while cgroups name pods by UID only; the kubelet names each pod's log
/// directory <c>&lt;namespace&gt;_&lt;name&gt;_&lt;uid&gt;</c> (namespace and name cannot contain '_'), which joins the two.
/// </summary>
public static class PodLogDirectory
{
    /// <summary>Lists the pods under <paramref name="root"/> (usually <c>/var/log/pods</c>); empty when it does not exist.</summary>
    public static IReadOnlyList<PodLogEntry> Read(string root)
    {
        if (root.Length == 0 || !Directory.Exists(root))
        {
            return [];
        }

        var result = new List<PodLogEntry>();
        foreach (var dir in Directory.EnumerateDirectories(root))
        {
            if (Parse(Path.GetFileName(dir)) is { } entry)
            {
                var containers = Directory.EnumerateDirectories(dir).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToArray();
                result.Add(entry with { Containers = containers });
            }
        }

        return result;
    }

    /// <summary>Parses one directory name; null when it is not <c>namespace_name_uid</c>.</summary>
    public static PodLogEntry? Parse(string directoryName)
    {
        var parts = directoryName.Split('_');
        return parts.Length == 3 && parts.All(p => p.Length > 0) ? new PodLogEntry(parts[0], parts[1], parts[2], []) : null;
    }
}
