namespace GpuQos.Enforcer.Actuators;

/// <summary>
/// Freezes and thaws cgroups: cgroup v2 writes <c>1</c>/<c>0</c> to <c>cgroup.freeze</c>; cgroup v1 writes
/// <c>FROZEN</c>/<c>THAWED</c> to the freezer controller's <c>freezer.state</c>. The root is configurable so
/// tests run against a directory tree they create.
/// </summary>
public sealed class CgroupFreezer(string root)
{
    /// <summary>Freezes the cgroup at <paramref name="cgroupPath"/> (as in <c>/proc/PID/cgroup</c>).</summary>
    public void Freeze(string cgroupPath) => Write(cgroupPath, frozen: true);

    /// <summary>Thaws the cgroup; a cgroup that is gone is not an error.</summary>
    public void Thaw(string cgroupPath) => Write(cgroupPath, frozen: false);

    /// <summary>Whether a cgroup can be frozen here (v2 or v1 freezer present).</summary>
    public bool CanFreeze(string cgroupPath) => File.Exists(V2File(cgroupPath)) || File.Exists(V1File(cgroupPath));

    private void Write(string cgroupPath, bool frozen)
    {
        var v2 = V2File(cgroupPath);
        if (File.Exists(v2))
        {
            File.WriteAllText(v2, frozen ? "1" : "0");
            return;
        }

        var v1 = V1File(cgroupPath);
        if (File.Exists(v1))
        {
            File.WriteAllText(v1, frozen ? "FROZEN" : "THAWED");
            return;
        }

        if (frozen)
        {
            throw new InvalidOperationException($"cgroup {cgroupPath} has neither cgroup.freeze (v2) nor freezer.state (v1) under {root}");
        }
    }

    private string V2File(string cgroupPath) => Path.Combine(root, cgroupPath.TrimStart('/'), "cgroup.freeze");

    private string V1File(string cgroupPath) => Path.Combine(root, "freezer", cgroupPath.TrimStart('/'), "freezer.state");
}
