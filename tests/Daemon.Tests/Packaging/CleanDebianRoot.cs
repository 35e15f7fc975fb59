namespace GpuQos.Daemon.Tests.Packaging;

/// <summary>
/// A clean Debian bookworm root made by mmdebstrap (essential packages and apt), to install the package into
/// as an administrator would. Commands run in it with chroot; those that start the .NET runtime get a /proc
/// of their own (in a private mount namespace, gone when they exit), which dpkg and apt do not need.
/// </summary>
internal sealed class CleanDebianRoot : IAsyncDisposable
{
    private static readonly Dictionary<string, string> Env = new()
    {
        ["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        ["DEBIAN_FRONTEND"] = "noninteractive",
        ["LC_ALL"] = "C.UTF-8",
    };

    private CleanDebianRoot(string path) => Path = path;

    public string Path { get; }

    public static async Task<CleanDebianRoot> CreateAsync()
    {
        var path = System.IO.Path.Combine(Directory.CreateTempSubdirectory("gpuqos-debroot-").FullName, "root");
        await HostCommand.CheckedAsync("mmdebstrap", ["--quiet", "--mode=root", "--variant=apt", "bookworm", path], TimeSpan.FromMinutes(8));
        return new CleanDebianRoot(path);
    }

    /// <summary>The host path of a path inside the root.</summary>
    public string At(string inside) => System.IO.Path.Combine(Path, inside.TrimStart('/'));

    public Task<CommandResult> RunAsync(params string[] command) =>
        HostCommand.RunAsync("chroot", [Path, .. command], TimeSpan.FromMinutes(5), Env);

    public Task<CommandResult> RunWithProcAsync(params string[] command) =>
        HostCommand.RunAsync("unshare", ["--mount", "--propagation", "private", "--", "sh", "-c", "mount -t proc proc \"$0\"/proc && exec chroot \"$@\"", Path, Path, .. command], TimeSpan.FromMinutes(5), Env);

    public async ValueTask DisposeAsync() =>
        await HostCommand.RunAsync("rm", ["-rf", System.IO.Path.GetDirectoryName(Path)!], TimeSpan.FromMinutes(2));
}
