using System.Globalization;

namespace GpuQos.Enforcer.Tests.TestSupport;

/// <summary>
/// A real cgroup v2 created for one test: a child of the test process's own cgroup on the host's cgroup2
/// mount, removed (its processes moved back first) on dispose. <see cref="Unavailable"/> says why one cannot be
/// made here (no cgroup2 mount, or it is not writable by this user).
/// </summary>
internal sealed class TestCgroup : IDisposable
{
    private TestCgroup(string mount, string parent, string path)
    {
        Mount = mount;
        Parent = parent;
        Path = path;
    }

    /// <summary>Where cgroup2 is mounted (the freezer's root).</summary>
    public string Mount { get; }

    /// <summary>The test process's own cgroup path, the parent of this one.</summary>
    public string Parent { get; }

    /// <summary>This cgroup's path as <c>/proc/PID/cgroup</c> shows it (relative to <see cref="Mount"/>).</summary>
    public string Path { get; }

    public string Directory => System.IO.Path.Combine(Mount, Path.TrimStart('/'));

    /// <summary>Why no test cgroup can be created here; null when one can.</summary>
    public static string? Unavailable { get; } = Probe();

    public static TestCgroup Create()
    {
        var (mount, own) = Locate() ?? throw new InvalidOperationException("no cgroup2 mount");
        var path = (own.TrimEnd('/') + "/gpuqos-test-" + Guid.NewGuid().ToString("N")[..10]).Replace("//", "/", StringComparison.Ordinal);
        System.IO.Directory.CreateDirectory(System.IO.Path.Combine(mount, path.TrimStart('/')));
        return new TestCgroup(mount, own, path);
    }

    /// <summary>Moves a process into this cgroup.</summary>
    public void Add(int pid) => File.WriteAllText(System.IO.Path.Combine(Directory, "cgroup.procs"), pid.ToString(CultureInfo.InvariantCulture));

    /// <summary>Whether the kernel reports the cgroup frozen (<c>frozen 1</c> in cgroup.events).</summary>
    public bool Frozen => File.ReadLines(System.IO.Path.Combine(Directory, "cgroup.events")).Contains("frozen 1");

    public void Dispose()
    {
        try
        {
            File.WriteAllText(System.IO.Path.Combine(Directory, "cgroup.freeze"), "0");
            var parentProcs = System.IO.Path.Combine(Mount, Parent.TrimStart('/'), "cgroup.procs");
            foreach (var pid in File.ReadAllLines(System.IO.Path.Combine(Directory, "cgroup.procs")))
            {
                try
                {
                    File.WriteAllText(parentProcs, pid);
                }
                catch (IOException)
                {
                    // Exited meanwhile.
                }
            }

            System.IO.Directory.Delete(Directory);
        }
        catch (IOException)
        {
            // Left behind: an empty cgroup costs nothing and is visible by its name.
        }
    }

    private static (string Mount, string Own)? Locate()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        // mountinfo: "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS ... - FSTYPE SOURCE SUPEROPTIONS".
        var mount = File.ReadLines("/proc/self/mountinfo")
            .Select(l => l.Split(' '))
            .Where(f => f.Length > 7 && f[Array.IndexOf(f, "-") + 1] == "cgroup2" && f[3] == "/")
            .Select(f => f[4])
            .FirstOrDefault();
        var own = File.ReadLines("/proc/self/cgroup").FirstOrDefault(l => l.StartsWith("0::", StringComparison.Ordinal))?[3..];
        return mount is null || own is null ? null : (mount, own);
    }

    private static string? Probe()
    {
        try
        {
            if (Locate() is not { } found)
            {
                return "no cgroup2 file system is mounted here (or this process has no cgroup v2 path)";
            }

            using var probe = Create();
            return File.Exists(System.IO.Path.Combine(probe.Directory, "cgroup.freeze"))
                ? null
                : $"the cgroup2 mount at {found.Mount} has no cgroup.freeze (a kernel before 5.2)";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return $"cannot create a child of this process's cgroup on the cgroup2 mount: {ex.Message}";
        }
    }
}
