using System.Globalization;
using GpuQos.Enforcer.Policies;
using GpuQos.Model.Procfs;

namespace GpuQos.Daemon.Doctor;

/// <summary>Checks of the host: PID namespace, process privileges, cgroups, the kubelet socket and the journal directory.</summary>
internal static class HostChecks
{
    /// <summary>Whether the PIDs NVML reports are this daemon's (see <see cref="PidNamespaceCheck"/>).</summary>
    public static DoctorCheck PidNamespace(string procfsRoot, IReadOnlyCollection<int> nvmlPids, bool required, bool simulated)
    {
        const string Feature = "pid-namespace";
        if (simulated)
        {
            return new(null, Feature, DoctorStatus.Ok, "ok", required, "simulated host: its processes live in the simulator, whatever this namespace is");
        }

        var result = new PidNamespaceCheck(procfsRoot).Check(nvmlPids);
        return result.State switch
        {
            PidNamespaceState.Host => new(null, Feature, DoctorStatus.Ok, "host", required, result.Detail),
            PidNamespaceState.Foreign => new(null, Feature, DoctorStatus.Failed, "foreign", required, result.Refusal!),
            _ => new(null, Feature, DoctorStatus.Warning, "unknown", required, result.Detail + "; process actions are not refused on this evidence"),
        };
    }

    /// <summary>Privilege to signal (throttle) or renice (priority) other users' processes.</summary>
    public static DoctorCheck ProcessPrivilege(string action, HostPrivileges privileges, bool required, bool simulated)
    {
        var (capability, name) = action == KnownPolicyTypes.Actions.Priority
            ? (HostPrivileges.CapSysNice, "CAP_SYS_NICE")
            : (HostPrivileges.CapKill, "CAP_KILL");
        if (simulated)
        {
            return new(null, action, DoctorStatus.Ok, "ok", required, "simulated host: the simulator's processes, no privilege needed");
        }

        return privileges.Has(capability) switch
        {
            true => new(null, action, DoctorStatus.Ok, "ok", required, privileges.Describe(capability, name)),
            false => new(null, action, DoctorStatus.Failed, "no-privilege", required, "cannot act on other users' processes: " + privileges.Describe(capability, name)),
            null => new(null, action, DoctorStatus.Failed, "unknown-privilege", required, privileges.Describe(capability, name)),
        };
    }

    /// <summary>The cgroup version and whether a freezer is there (freeze).</summary>
    public static DoctorCheck Cgroups(string cgroupRoot, bool required, bool simulated)
    {
        const string Feature = "cgroup-freezer";
        if (simulated)
        {
            return new(null, Feature, required ? DoctorStatus.Failed : DoctorStatus.Warning, "simulated", required, "the simulated host has no cgroups to freeze, so freeze is refused there");
        }

        if (File.Exists(Path.Combine(cgroupRoot, "cgroup.controllers")))
        {
            // cgroup v2 freezes through each cgroup's cgroup.freeze (kernel 5.2 and later); the root has none.
            var freezable = SafeDirectories(cgroupRoot).Any(d => File.Exists(Path.Combine(d, "cgroup.freeze")));
            var writable = FileOwner.Writable(cgroupRoot);
            return freezable && writable
                ? new(null, Feature, DoctorStatus.Ok, "v2", required, $"cgroup v2 at {cgroupRoot}, cgroup.freeze present, writable")
                : new(null, Feature, DoctorStatus.Failed, "v2", required, $"cgroup v2 at {cgroupRoot}: " + (freezable ? "not writable by this user" : "no cgroup.freeze (kernel before 5.2?)"));
        }

        var v1 = Path.Combine(cgroupRoot, "freezer");
        if (Directory.Exists(v1))
        {
            return FileOwner.Writable(v1)
                ? new(null, Feature, DoctorStatus.Ok, "v1", required, $"cgroup v1 freezer at {v1}, writable")
                : new(null, Feature, DoctorStatus.Failed, "v1", required, $"cgroup v1 freezer at {v1} is not writable by this user");
        }

        return new(null, Feature, DoctorStatus.Failed, "missing", required, $"neither cgroup v2 (cgroup.controllers) nor a v1 freezer under {cgroupRoot} (enforcement.cgroupRoot)");
    }

    /// <summary>The kubelet's PodResources socket: without it pods are named from cgroups and pod logs only.</summary>
    public static DoctorCheck Kubelet(string socket)
    {
        const string Feature = "kubelet-podresources";
        if (socket.Length == 0)
        {
            return new(null, Feature, DoctorStatus.Warning, "off", false, "attribution.podResourcesSocket is empty: pods are named from cgroups and pod logs only");
        }

        return FileOwner.Of(socket) switch
        {
            { } s when FileOwner.IsSocket(s.Mode) && FileOwner.Writable(socket) => new(null, Feature, DoctorStatus.Ok, "ok", false, $"{socket} is a socket this user may connect to"),
            { } s when FileOwner.IsSocket(s.Mode) => new(null, Feature, DoctorStatus.Warning, "no-privilege", false, $"{socket} is a socket this user may not connect to"),
            { } => new(null, Feature, DoctorStatus.Warning, "not-a-socket", false, $"{socket} exists but is not a socket"),
            null => new(null, Feature, DoctorStatus.Warning, "absent", false, $"{socket} is absent: fine on a host without Kubernetes; pods are not named"),
        };
    }

    /// <summary>The action journal's directory: present, writable, and not writable by others.</summary>
    public static DoctorCheck Journal(EnforcementOptions enforcement, bool required, bool simulated)
    {
        const string Feature = "journal";
        if (enforcement.Journal is null && simulated)
        {
            return new(null, Feature, DoctorStatus.Ok, "ok", required, "simulated host: a temporary journal, removed at a clean stop");
        }

        var path = enforcement.Journal ?? EnforcementOptionsDefaults.Journal;
        var dir = Path.GetDirectoryName(Path.GetFullPath(path)) ?? "/";
        if (FileOwner.Of(dir) is not { } owner)
        {
            return new(null, Feature, DoctorStatus.Failed, "missing", required, $"{dir} does not exist: create it (install -d -m 0700 {dir}) or set enforcement.journal");
        }

        var mode = Convert.ToString(owner.Mode & 0xfff, 8).PadLeft(4, '0');
        var what = string.Create(CultureInfo.InvariantCulture, $"{dir} owner {owner.Uid}:{owner.Gid} mode {mode}");
        if (!FileOwner.Writable(dir))
        {
            return new(null, Feature, DoctorStatus.Failed, "no-privilege", required, what + ": not writable by this user, so nothing could act");
        }

        return (owner.Mode & 0x12) != 0
            ? new(null, Feature, DoctorStatus.Warning, "ok", required, what + ": writable by group or others, who could forge what a restart undoes")
            : new(null, Feature, DoctorStatus.Ok, "ok", required, what + ", writable");
    }

    private static List<string> SafeDirectories(string root)
    {
        try
        {
            return Directory.EnumerateDirectories(root).Take(64).ToList();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
