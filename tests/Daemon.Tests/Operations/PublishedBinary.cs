using System.Diagnostics;
using System.Security.Cryptography;
using GpuQos.Daemon.Tests.TestSupport;

namespace GpuQos.Daemon.Tests.Operations;

/// <summary>
/// <c>dotnet publish src/Daemon -c Release -r linux-x64</c> (the Native AOT gpuqos) and
/// <c>dotnet publish src/ProbeWorker …</c> (gpuqos-probe, under the JIT) into the same directory, as the deploy scripts
/// do, run once per build of the sources: the output is cached under tests/Daemon.Tests/obj/publish/HASH, keyed by the
/// hash of the project assemblies these tests were built with and of the build files, so a change publishes again
/// and an unchanged tree reuses the binaries. The first test that needs them waits for the publish (minutes: the AOT
/// compiler).
/// </summary>
public sealed class PublishedBinary
{
    private static readonly Lazy<Task<string>> Published = new(PublishAsync);

    /// <summary>Path of the published <c>gpuqos</c>.</summary>
    public static Task<string> PathAsync() => Published.Value;

    /// <summary>Path of the published single-file <c>gpuqos-probe</c>, beside <c>gpuqos</c>.</summary>
    public static async Task<string> ProbePathAsync() => Path.Combine(Path.GetDirectoryName(await Published.Value)!, "gpuqos-probe");

    private static async Task<string> PublishAsync()
    {
        // The code, and the build files that shape the publish (a property that only applies with -r).
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        // Every project assembly counts, not only gpuqos.dll: the daemon tests run this binary, so a change in a
        // library must publish again. gpuqos-probe.dll sits beside them in the test output. The test and benchmark
        // assemblies that link this file are no part of it, so both find the same publish.
        var assemblies = Directory.GetFiles(AppContext.BaseDirectory, "GpuQos.*.dll")
            .Append(Path.Combine(AppContext.BaseDirectory, "gpuqos-probe.dll"))
            .Where(f => !Path.GetFileName(f).StartsWith("GpuQos.Daemon.Tests", StringComparison.Ordinal) && !Path.GetFileName(f).StartsWith("GpuQos.Benchmarks", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);
        foreach (var file in new[] { DaemonProcess.DllPath, RepoPaths.Combine("src", "Daemon", "GpuQos.Daemon.csproj"), RepoPaths.Combine("src", "ProbeWorker", "GpuQos.ProbeWorker.csproj"), RepoPaths.Combine("Directory.Build.props"), RepoPaths.Combine("Directory.Packages.props"), RepoPaths.Combine("build", "GitVersion.targets") }.Concat(assemblies))
        {
            sha.AppendData(await File.ReadAllBytesAsync(file));
        }

        var hash = Convert.ToHexString(sha.GetHashAndReset())[..16];
        var root = RepoPaths.Combine("tests", "Daemon.Tests", "obj", "publish");
        var dir = Path.Combine(root, hash);
        var binary = Path.Combine(dir, "gpuqos");
        if (File.Exists(binary) && File.Exists(Path.Combine(dir, "gpuqos-probe")))
        {
            return binary;
        }

        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }

        foreach (var project in new[] { "Daemon", "ProbeWorker" })
        {
            await PublishProjectAsync(RepoPaths.Combine("src", project), dir);
        }

        if (!File.Exists(binary) || !File.Exists(Path.Combine(dir, "gpuqos-probe")))
        {
            throw new InvalidOperationException($"dotnet publish wrote no gpuqos or no gpuqos-probe in {dir}");
        }

        return binary;
    }

    private static async Task PublishProjectAsync(string project, string dir)
    {
        var psi = new ProcessStartInfo("dotnet", ["publish", project, "-c", "Release", "-r", "linux-x64", "-o", dir, "--nologo", "--verbosity", "quiet"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var publish = Process.Start(psi)!;
        var stdout = publish.StandardOutput.ReadToEndAsync();
        var stderr = publish.StandardError.ReadToEndAsync();
        // The AOT compiler takes minutes on a small shared machine.
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(20));
        await publish.WaitForExitAsync(cts.Token);
        if (publish.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish {project} failed ({publish.ExitCode}):\n{await stdout}\n{await stderr}");
        }
    }
}
