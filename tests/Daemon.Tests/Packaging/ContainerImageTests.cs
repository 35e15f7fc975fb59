using System.Diagnostics;
using System.Formats.Tar;
using System.Text.Json;
using GpuQos.Daemon.Tests.TestSupport;
using static GpuQos.Daemon.Tests.Operations.ManifestDocuments;

namespace GpuQos.Daemon.Tests.Packaging;

/// <summary>
/// deploy/container/build.sh: the image it writes runs the daemon as the DaemonSet does, holds gpuqos, gpuqos-probe
/// and the libraries they link against and nothing else, and says which version it is.
/// </summary>
[Collection(PackagingCollection.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ContainerImageTests(ImageContainer image) : IClassFixture<ImageContainer>
{
    // gpuqos (103 MiB, uncompressed), gpuqos-probe (73 MiB, uncompressed, ILGPU under the JIT) and libc6,
    // libgcc-s1, libstdc++6 and libssl3 without gconv (12 MiB).
    private const long MaxArchiveBytes = 200L << 20;
    private const long MaxBesideGpuqosBytes = 16L << 20;

    [SkippableFact]
    public async Task Image_VersionVerb_PrintsTheVersionOfTheBinaryItWasBuiltFrom()
    {
        PackagingTools.SkipIfMissing();
        var built = await BuiltPackages.GetAsync();
        var name = await image.NameAsync();

        var stdout = await HostCommand.CheckedAsync("buildah", image.Buildah("run", name, "--", "/usr/bin/gpuqos", "--version"), TimeSpan.FromMinutes(2));

        Assert.Equal(built.Version, stdout.Trim());
    }

    [SkippableFact]
    public async Task Image_ProbeWorker_PrintsTheSameVersionAndPassesItsPreflight()
    {
        PackagingTools.SkipIfMissing();
        var built = await BuiltPackages.GetAsync();
        var name = await image.NameAsync();

        var version = await HostCommand.CheckedAsync("buildah", image.Buildah("run", name, "--", "/usr/bin/gpuqos-probe", "--version"), TimeSpan.FromMinutes(2));
        var preflight = await HostCommand.CheckedAsync("buildah", image.Buildah("run", name, "--", "/usr/bin/gpuqos-probe", "--preflight", "--accelerator", "cpu"), TimeSpan.FromMinutes(3));

        Assert.Equal(built.Version, version.Trim());
        var readiness = GpuQos.IsolationProbes.Worker.WorkerProtocol.TryReadReadiness(preflight.Trim());
        Assert.NotNull(readiness);
        Assert.True(readiness.Ready, readiness.Detail);
    }

    [SkippableFact]
    public async Task Image_ConfigAndName_AreWhatTheDaemonSetRuns()
    {
        PackagingTools.SkipIfMissing();
        var built = await BuiltPackages.GetAsync();
        var name = await image.NameAsync();

        using var inspect = JsonDocument.Parse(await HostCommand.CheckedAsync("buildah", image.Buildah("inspect", name), TimeSpan.FromMinutes(1)));
        var root = inspect.RootElement.GetProperty("OCIv1").GetProperty("config");

        // The DaemonSet gives only `args`, so the entrypoint must be gpuqos; it runs as root (runAsUser: 0).
        Assert.Equal(["/usr/bin/gpuqos"], root.GetProperty("Entrypoint").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("0:0", root.GetProperty("User").GetString());
        Assert.Equal(PackageVersions.ImageTag(built.Version), root.GetProperty("Labels").GetProperty("org.opencontainers.image.version").GetString());
        var daemonSetArgs = ((List<object>)At(Load(RepoPaths.Combine("deploy", "kubernetes", "daemonset.yaml")).Single(), "spec.template.spec.containers.0.args")!).Select(a => a.ToString());
        Assert.Equal(daemonSetArgs, root.GetProperty("Cmd").EnumerateArray().Select(e => e.GetString()));

        // The archive carries the name the DaemonSet and docs/operations.md use, at this build's version.
        Assert.Equal($"{PackageVersions.ImageRepository}:{PackageVersions.ImageTag(built.Version)}", ArchiveRefName(built.ImageArchive));
        Assert.EndsWith($"gpuqos_{PackageVersions.ImageTag(built.Version)}_amd64.oci.tar", built.ImageArchive, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Image_HoldsNoShellNorAnyProgramButGpuqos_AndStaysSmall()
    {
        PackagingTools.SkipIfMissing();
        var built = await BuiltPackages.GetAsync();
        var name = await image.NameAsync();

        var rootfs = (await HostCommand.CheckedAsync("buildah", image.Buildah("mount", name), TimeSpan.FromMinutes(1))).Trim();

        var programs = new[] { "bin", "sbin", "usr/bin", "usr/sbin", "usr/local/bin", "usr/local/sbin" }
            .Select(d => Path.Combine(rootfs, d))
            .Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateFileSystemEntries(d))
            .Select(p => Path.GetRelativePath(rootfs, p))
            .ToList();
        Assert.Equal(["usr/bin/gpuqos", "usr/bin/gpuqos-probe"], programs.Order());
        foreach (var shell in new[] { "bin/sh", "bin/bash", "bin/dash", "bin/busybox", "usr/bin/sh", "usr/bin/bash", "usr/bin/dash", "usr/bin/busybox" })
        {
            Assert.False(File.Exists(Path.Combine(rootfs, shell)) || new FileInfo(Path.Combine(rootfs, shell)).LinkTarget is not null, shell + " is in the image");
        }

        Assert.False(Directory.Exists(Path.Combine(rootfs, "var/lib/dpkg")), "the package database is in the image");
        Assert.True(File.Exists(Path.Combine(rootfs, "usr/lib/x86_64-linux-gnu/libssl.so.3")), "libssl3 (System.Security.Cryptography) is missing");
        Assert.Contains("nobody:x:65534:", File.ReadAllText(Path.Combine(rootfs, "etc/passwd")), StringComparison.Ordinal);

        var besideGpuqos = new DirectoryInfo(rootfs).EnumerateFiles("*", SearchOption.AllDirectories)
            .Where(f => f.FullName != Path.Combine(rootfs, "usr/bin/gpuqos") && f.FullName != Path.Combine(rootfs, "usr/bin/gpuqos-probe") && f.LinkTarget is null)
            .Sum(f => f.Length);
        var archive = new FileInfo(built.ImageArchive).Length;
        Assert.True(besideGpuqos <= MaxBesideGpuqosBytes, $"{besideGpuqos >> 20} MiB beside gpuqos (at most {MaxBesideGpuqosBytes >> 20} MiB)");
        Assert.True(archive <= MaxArchiveBytes, $"the archive is {archive >> 20} MiB (at most {MaxArchiveBytes >> 20} MiB)");
    }

    [SkippableFact]
    public async Task Image_SimulatedHost_ServesMetricsToTheHostFor10Seconds_ThenStopsCleanly()
    {
        PackagingTools.SkipIfMissing();
        var built = await BuiltPackages.GetAsync();
        var name = await image.NameAsync();
        var port = DaemonProcess.FreePort();

        // chroot isolation shares the host's network: the daemon listens on the host's loopback, and this
        // process reads /metrics from outside the image.
        using var run = Process.Start(HostCommand.StartInfo("buildah", image.Buildah("run", name, "--", "/usr/bin/gpuqos", "run", "--backend", "sim", "--listen", $"127.0.0.1:{port}")))!;
        var stdout = run.StandardOutput.ReadToEndAsync();
        var stderr = run.StandardError.ReadToEndAsync();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
            var clock = Stopwatch.StartNew();
            string? first = null;
            while (first is null)
            {
                if (run.HasExited)
                {
                    Assert.Fail($"the daemon in the image exited ({run.ExitCode}): {await stdout}{await stderr}");
                }

                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(90), "the daemon in the image never served /metrics");
                first = await TryGetAsync(http, "/metrics");
                await Task.Delay(first is null ? 200 : 0);
            }

            Assert.Contains($"gpuqos_build_info{{version=\"{built.Version}\",backend=\"sim\"}} 1", first, StringComparison.Ordinal);
            Assert.Contains("gpuqos_gpu_", first, StringComparison.Ordinal);

            // Ten seconds of scrapes: every one answers, and the daemon stays up.
            var scrapes = 0;
            clock.Restart();
            while (clock.Elapsed < TimeSpan.FromSeconds(10))
            {
                await Task.Delay(1000);
                var body = await TryGetAsync(http, "/metrics");
                if (run.HasExited)
                {
                    Assert.Fail($"the daemon in the image exited during the scrapes ({run.ExitCode}): {await stderr}");
                }

                Assert.True(body?.Contains("gpuqos_build_info{", StringComparison.Ordinal) == true, $"scrape {scrapes + 1} failed");
                scrapes++;
            }

            // Ten one-second delays can end a few milliseconds short of 10 s, which leaves room for an eleventh scrape.
            Assert.InRange(scrapes, 5, 11);

            // SIGTERM to the daemon itself (buildah would SIGKILL it): it reverts, stops and exits 0.
            // The first gpuqos below buildah (breadth first) is the daemon; probe workers, if any, are below it.
            var daemon = HostCommand.Descendants(run.Id).First(pid => HostCommand.Comm(pid) == "gpuqos");
            DaemonProcess.Signal(daemon, "TERM");
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await run.WaitForExitAsync(cts.Token);
            Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}: {await stderr}");
        }
        finally
        {
            if (!run.HasExited)
            {
                run.Kill(entireProcessTree: true);
            }
        }
    }

    private static async Task<string?> TryGetAsync(HttpClient http, string path)
    {
        try
        {
            return await http.GetStringAsync(path);
        }
        catch (HttpRequestException)
        {
            return null;
        }
        catch (TaskCanceledException)
        {
            return null;
        }
    }

    private static string? ArchiveRefName(string archive)
    {
        using var reader = new TarReader(File.OpenRead(archive));
        while (reader.GetNextEntry() is { } entry)
        {
            if (entry.Name.TrimStart('.', '/') == "index.json" && entry.DataStream is { } data)
            {
                using var index = JsonDocument.Parse(data);
                return index.RootElement.GetProperty("manifests")[0].GetProperty("annotations").GetProperty("org.opencontainers.image.ref.name").GetString();
            }
        }

        return null;
    }
}
