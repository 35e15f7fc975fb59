namespace GpuQos.Daemon.Tests.Packaging;

/// <summary>
/// A buildah working container made from the OCI archive build.sh wrote (not from build.sh's own storage), in a
/// private vfs store that is deleted afterwards.
/// </summary>
public sealed class ImageContainer : IAsyncLifetime
{
    private readonly string _storage = Directory.CreateTempSubdirectory("gpuqos-image-").FullName;
    private readonly Lazy<Task<string>> _name;

    public ImageContainer() => _name = new(CreateAsync);

    /// <summary>The working container's name, created on first use.</summary>
    public Task<string> NameAsync() => _name.Value;

    public string[] Buildah(params string[] args) =>
        ["--root", Path.Combine(_storage, "root"), "--runroot", Path.Combine(_storage, "run"), "--storage-driver", "vfs", .. args];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_name.IsValueCreated && _name.Value.IsCompletedSuccessfully)
        {
            await HostCommand.RunAsync("buildah", Buildah("umount", _name.Value.Result), TimeSpan.FromSeconds(60));
            await HostCommand.RunAsync("buildah", Buildah("rm", _name.Value.Result), TimeSpan.FromSeconds(60));
        }

        // vfs layers hold read-only directories; rm -rf as root removes them where Directory.Delete may not.
        await HostCommand.RunAsync("rm", ["-rf", _storage], TimeSpan.FromSeconds(120));
    }

    private async Task<string> CreateAsync()
    {
        var built = await BuiltPackages.GetAsync();
        var name = "gpuqos-test-" + Guid.NewGuid().ToString("N")[..12];
        await HostCommand.CheckedAsync("buildah", Buildah("from", "--quiet", "--isolation", "chroot", "--name", name, "oci-archive:" + built.ImageArchive), TimeSpan.FromMinutes(3));
        return name;
    }
}
