using System.Text.RegularExpressions;
using GpuQos.Model.Attribution;

namespace GpuQos.Collectors.Attribution;

/// <summary>
/// Reads container IDs and pod UIDs out of <c>/proc/PID/cgroup</c>. Pure: no I/O, so every path format is
/// unit-tested. Covers cgroup v1 (<c>ID:controllers:path</c> lines) and v2 (<c>0::path</c>), with the
/// cgroupfs and systemd drivers of containerd, CRI-O, Docker and Podman:
/// <list type="bullet">
/// <item><c>/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod&lt;uid_with_underscores&gt;.slice/cri-containerd-&lt;id&gt;.scope</c></item>
/// <item><c>/kubepods/burstable/pod&lt;uid&gt;/&lt;id&gt;</c> and <c>/kubepods/pod&lt;uid&gt;/crio-&lt;id&gt;</c></item>
/// <item><c>…/crio-&lt;id&gt;.scope</c>, <c>/system.slice/docker-&lt;id&gt;.scope</c>, <c>/docker/&lt;id&gt;</c>, <c>…/libpod-&lt;id&gt;.scope</c></item>
/// </list>
/// </summary>
public static partial class CgroupParser
{
    /// <summary>Parses the whole content of a <c>/proc/PID/cgroup</c> file.</summary>
    public static CgroupIdentity ParseFile(string content)
    {
        CgroupIdentity? withPod = null, first = null, unified = null;
        foreach (var raw in content.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // "hierarchy-ID:controller-list:cgroup-path"; the path may itself contain ':'.
            var firstColon = raw.IndexOf(':', StringComparison.Ordinal);
            var secondColon = firstColon < 0 ? -1 : raw.IndexOf(':', firstColon + 1);
            if (secondColon < 0)
            {
                continue;
            }

            var identity = ParsePath(raw[(secondColon + 1)..]);
            if (identity.ContainerId.Length > 0)
            {
                return identity;
            }

            withPod ??= identity.PodUid.Length > 0 ? identity : null;
            first ??= identity;
            if (raw.StartsWith("0::", StringComparison.Ordinal))
            {
                unified = identity;
            }
        }

        return withPod ?? unified ?? first ?? CgroupIdentity.None;
    }

    /// <summary>
    /// The cgroup a freezer would act on, from the whole content of a <c>/proc/PID/cgroup</c> file: the unified
    /// (<c>0::</c>) path when it lies below the root, else the v1 <c>freezer</c> hierarchy's path; null when
    /// neither names a cgroup below the root (the root cannot be frozen).
    /// </summary>
    public static string? FreezerPath(string content)
    {
        ArgumentNullException.ThrowIfNull(content);
        string? v1 = null;
        foreach (var raw in content.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var firstColon = raw.IndexOf(':', StringComparison.Ordinal);
            var secondColon = firstColon < 0 ? -1 : raw.IndexOf(':', firstColon + 1);
            if (secondColon < 0)
            {
                continue;
            }

            var path = raw[(secondColon + 1)..];
            if (path.Length <= 1 || path[0] != '/')
            {
                continue;
            }

            if (raw.StartsWith("0::", StringComparison.Ordinal))
            {
                return path;
            }

            if (raw.AsSpan(firstColon + 1, secondColon - firstColon - 1).ToString().Split(',').Contains("freezer"))
            {
                v1 = path;
            }
        }

        return v1;
    }

    /// <summary>Parses one cgroup path.</summary>
    public static CgroupIdentity ParsePath(string path)
    {
        string containerId = "", podUid = "", runtime = "";
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < segments.Length; i++)
        {
            var segment = segments[i];
            if (PodSegment().Match(segment) is { Success: true } pod)
            {
                podUid = pod.Groups["uid"].Value.Replace('_', '-');
                continue;
            }

            if (ContainerSegment().Match(segment) is { Success: true } container)
            {
                // The innermost container wins (a container can sit in a nested cgroup of a pod or a Docker parent).
                containerId = container.Groups["id"].Value;
                runtime = container.Groups["prefix"].Value switch
                {
                    "cri-containerd" or "containerd" => "containerd",
                    "crio" => "cri-o",
                    "docker" => "docker",
                    "libpod" => "podman",
                    // A bare ID: Docker's cgroupfs driver names its parent "docker"; under kubepods it is a CRI runtime we cannot tell.
                    _ => i > 0 && segments[i - 1] == "docker" ? "docker" : "",
                };
            }
        }

        return new CgroupIdentity(path, containerId, podUid, runtime);
    }

    // pod<uid>, kubepods-pod<uid>.slice, kubepods-burstable-pod<uid_with_underscores>.slice (and kind's kubelet-kubepods-… nesting). Static pods have a 32-digit hash as UID.
    [GeneratedRegex(@"^(?:[a-z]+-)*pod(?<uid>[0-9a-f]{8}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{12}|[0-9a-f]{32})(?:\.slice)?$", RegexOptions.CultureInvariant)]
    private static partial Regex PodSegment();

    // cri-containerd-<id>.scope, crio-<id>.scope, docker-<id>.scope, libpod-<id>.scope, or a bare <id>. Not crio-conmon-<id> (the monitor, not the container).
    [GeneratedRegex(@"^(?:(?<prefix>cri-containerd|containerd|crio|docker|libpod)-)?(?<id>[0-9a-f]{64})(?:\.scope)?$", RegexOptions.CultureInvariant)]
    private static partial Regex ContainerSegment();
}
