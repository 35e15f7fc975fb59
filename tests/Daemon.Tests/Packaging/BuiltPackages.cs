using System.Diagnostics;
using GpuQos.Daemon.Tests.Operations;
using GpuQos.Daemon.Tests.TestSupport;

namespace GpuQos.Daemon.Tests.Packaging;

/// <summary>
/// The image archive and the .deb, built once per test run by the scripts users and CI run
/// (deploy/container/build.sh, deploy/debian/build.sh), from the published gpuqos the other packaging tests use.
/// </summary>
internal sealed record BuiltPackages(string Binary, string Version, string ImageArchive, TimeSpan ImageBuild, string Deb, TimeSpan DebBuild)
{
    private static readonly Lazy<Task<BuiltPackages>> Built = new(BuildAsync);

    public static Task<BuiltPackages> GetAsync() => Built.Value;

    private static async Task<BuiltPackages> BuildAsync()
    {
        var binary = await PublishedBinary.PathAsync();
        var version = (await HostCommand.CheckedAsync(binary, ["--version"], TimeSpan.FromSeconds(60))).Trim();
        var output = RepoPaths.Combine("tests", "Daemon.Tests", "obj", "packages");
        if (Directory.Exists(output))
        {
            Directory.Delete(output, recursive: true);
        }

        var clock = Stopwatch.StartNew();
        var image = (await HostCommand.CheckedAsync(RepoPaths.Combine("deploy", "container", "build.sh"), ["--binary", binary, "--out", output], TimeSpan.FromMinutes(8))).Trim();
        var imageBuild = clock.Elapsed;

        clock.Restart();
        var deb = (await HostCommand.CheckedAsync(RepoPaths.Combine("deploy", "debian", "build.sh"), ["--binary", binary, "--out", output], TimeSpan.FromMinutes(8))).Trim();
        return new BuiltPackages(binary, version, image, imageBuild, deb, clock.Elapsed);
    }
}
