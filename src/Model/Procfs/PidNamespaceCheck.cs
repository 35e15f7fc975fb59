using System.Globalization;

namespace GpuQos.Model.Procfs;

/// <summary>
/// Decides whether the PIDs NVML reports live in this daemon's PID namespace. The NVIDIA driver is not aware
/// of PID namespaces and always reports the host's PIDs (NVIDIA/nvidia-docker#1483), so the question is
/// whether the daemon runs in the host's initial PID namespace. Read from procfs under a configurable root
/// (<c>--procfs-root</c>), so tests use fixture trees:
/// <list type="bullet">
/// <item><c>self/ns/pid</c>: the kernel gives the initial PID namespace the fixed inode 0xEFFFFFFC
/// (<c>PROC_PID_INIT_INO</c>), so any other inode is a namespace of its own; and a link that differs from
/// <c>1/ns/pid</c> (a host procfs mounted into a container) says the same.</item>
/// <item><c>self/status</c>'s <c>NSpid:</c> with more than one PID: the daemon is nested below the namespace
/// that mounted this procfs.</item>
/// <item>Where neither can be read, NVML PIDs that all have no entry here.</item>
/// </list>
/// </summary>
public sealed class PidNamespaceCheck(string procfsRoot)
{
    /// <summary>The link text of the host's initial PID namespace: <c>PROC_PID_INIT_INO</c> in <c>include/linux/proc_ns.h</c>.</summary>
    public const string InitialNamespace = "pid:[4026531836]";

    private PidNamespaceResult? _daemon;

    /// <summary>The procfs root, e.g. <c>/proc</c>.</summary>
    public string Root { get; } = procfsRoot;

    /// <summary>
    /// The verdict from the daemon's own namespace, read once (a process never changes PID namespace), with
    /// <paramref name="nvmlPids"/> as further evidence when that alone says nothing.
    /// </summary>
    public PidNamespaceResult Check(IReadOnlyCollection<int>? nvmlPids = null)
    {
        var own = _daemon ??= CheckDaemon();
        if (own.State != PidNamespaceState.Unknown || nvmlPids is not { Count: > 0 })
        {
            return own;
        }

        var missing = nvmlPids.Count(pid => !Directory.Exists(Path.Combine(Root, pid.ToString(CultureInfo.InvariantCulture))));
        return missing == nvmlPids.Count
            ? new PidNamespaceResult(PidNamespaceState.Foreign, $"{own.Detail}; none of NVML's {nvmlPids.Count} PID(s) is in {Root}")
            : own;
    }

    private PidNamespaceResult CheckDaemon()
    {
        var self = Link(Path.Combine(Root, "self", "ns", "pid"));
        var init = Link(Path.Combine(Root, "1", "ns", "pid"));
        var nspid = NsPid(Path.Combine(Root, "self", "status"));
        if (self is not null && init is not null && self != init)
        {
            return new(PidNamespaceState.Foreign, $"its PID namespace {self} is not that of PID 1 in {Root}, {init}");
        }

        if (nspid is { Length: > 1 })
        {
            return new(PidNamespaceState.Foreign, $"it is nested below the namespace of {Root} (NSpid: {string.Join(' ', nspid)})");
        }

        if (self is not null)
        {
            return self == InitialNamespace
                ? new(PidNamespaceState.Host, $"its PID namespace is the host's, {self}")
                : new(PidNamespaceState.Foreign, $"its PID namespace {self} is not the host's {InitialNamespace}");
        }

        return new(PidNamespaceState.Unknown, nspid is null
            ? $"neither {Path.Combine(Root, "self", "ns", "pid")} nor NSpid in {Path.Combine(Root, "self", "status")} could be read"
            : $"{Path.Combine(Root, "self", "ns", "pid")} could not be read");
    }

    private static string? Link(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The PIDs on the <c>NSpid:</c> line, outermost first; null when the file or the line is absent (kernels before 4.1).</summary>
    internal static string[]? NsPid(string statusPath)
    {
        try
        {
            foreach (var line in File.ReadLines(statusPath))
            {
                if (line.StartsWith("NSpid:", StringComparison.Ordinal))
                {
                    return line["NSpid:".Length..].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        return null;
    }
}
