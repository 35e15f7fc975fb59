using System.Globalization;

namespace GpuQos.Collectors.Tests.Attribution;

/// <summary>
/// A procfs tree for <c>PidNamespaceCheck</c>: <c>self</c> and <c>1</c> with their <c>ns/pid</c> links and
/// <c>status</c> files, as the kernel shows them on a host, in a container, and in a container that mounts the
/// host's procfs. Built in a temporary folder because namespace links point at nothing a checkout could hold.
/// Shared (linked) by the Enforcer and Daemon tests.
/// </summary>
internal sealed class PidNamespaceFixture : IDisposable
{
    public const string HostNamespace = "pid:[4026531836]";
    public const string ContainerNamespace = "pid:[4026532715]";

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("gpuqos-pidns-");

    private PidNamespaceFixture()
    {
    }

    /// <summary>The procfs root to hand to the check (<c>--procfs-root</c>).</summary>
    public string Root => _dir.FullName;

    /// <summary>A daemon in the host's PID namespace.</summary>
    public static PidNamespaceFixture Host() => new PidNamespaceFixture()
        .Process("self", HostNamespace, "2211")
        .Process("1", HostNamespace, "1");

    /// <summary>A daemon in a container with its own PID namespace and its own procfs: it is PID 7 there.</summary>
    public static PidNamespaceFixture Container() => new PidNamespaceFixture()
        .Process("self", ContainerNamespace, "7")
        .Process("1", ContainerNamespace, "1");

    /// <summary>A daemon in a container that reads the host's procfs (<c>--procfs-root /host/proc</c>).</summary>
    public static PidNamespaceFixture HostProcfsInContainer() => new PidNamespaceFixture()
        .Process("self", ContainerNamespace, "31337\t7")
        .Process("1", HostNamespace, "1");

    /// <summary>No namespace links and no <c>NSpid</c> (an old kernel, a restricted mount), with these PIDs present.</summary>
    public static PidNamespaceFixture Unreadable(params int[] present)
    {
        var fixture = new PidNamespaceFixture();
        foreach (var pid in present)
        {
            Directory.CreateDirectory(Path.Combine(fixture.Root, pid.ToString(CultureInfo.InvariantCulture)));
        }

        return fixture;
    }

    /// <summary>The daemon runs as uid 1000 with no effective capability (for the doctor's privilege checks).</summary>
    public PidNamespaceFixture WithoutPrivileges()
    {
        var status = Path.Combine(Root, "self", "status");
        File.WriteAllText(status, File.ReadAllText(status).Replace("Uid:\t0\t0\t0\t0", "Uid:\t1000\t1000\t1000\t1000", StringComparison.Ordinal).Replace("CapEff:\t000001ffffffffff", "CapEff:\t0000000000000000", StringComparison.Ordinal));
        return this;
    }

    public void Dispose() => _dir.Delete(recursive: true);

    private PidNamespaceFixture Process(string name, string pidNamespace, string nspid)
    {
        var dir = Directory.CreateDirectory(Path.Combine(Root, name));
        Directory.CreateDirectory(Path.Combine(dir.FullName, "ns"));
        File.CreateSymbolicLink(Path.Combine(dir.FullName, "ns", "pid"), pidNamespace);
        File.WriteAllText(Path.Combine(dir.FullName, "status"), $"Name:\tgpuqos\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t{nspid.Split('\t')[0]}\nNSpid:\t{nspid}\nUid:\t0\t0\t0\t0\nCapEff:\t000001ffffffffff\n");
        return this;
    }
}
