using System.Diagnostics;
using System.Security.Cryptography;
using GpuQos.Daemon.Tests.TestSupport;

namespace GpuQos.Daemon.Tests.Operations;

/// <summary>
/// <c>dotnet publish src/Daemon -c Release -r linux-x64</c> (the Native AOT gpuqos), run once per build of the
/// sources: the output is cached under tests/Daemon.Tests/obj/publish/HASH, keyed by the hash of the project
/// assemblies these tests were built with and of the build files, so a change publishes again and an unchanged
/// tree reuses the binary. The first test that needs it waits for the publish (minutes: the AOT compiler).
/// </summary>
public sealed class PublishedBinary
{
    private static readonly Lazy<Task<string>> Published = new(PublishAsync);

    /// <summary>Path of the published <c>gpuqos</c>.</summary>
    public static Task<string> PathAsync() => Published.Value;

    private static async Task<string> PublishAsync()
    {
        // The code, and the build files that shape the publish (a property that only applies with -r).
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        // Every project assembly counts, not only gpuqos.dll: the daemon tests run this binary, so a change in a
        // library must publish again.
        var assemblies = Directory.GetFiles(AppContext.BaseDirectory, "GpuQos.*.dll").Where(f => !Path.GetFileName(f).StartsWith("GpuQos.Daemon.Tests", StringComparison.Ordinal)).Order(StringComparer.Ordinal);
        foreach (var file in new[] { DaemonProcess.DllPath, RepoPaths.Combine("src", "Daemon", "GpuQos.Daemon.csproj"), RepoPaths.Combine("Directory.Build.props"), RepoPaths.Combine("Directory.Packages.props"), RepoPaths.Combine("build", "GitVersion.targets") }.Concat(assemblies))
        {
            sha.AppendData(await File.ReadAllBytesAsync(file));
        }

        var hash = Convert.ToHexString(sha.GetHashAndReset())[..16];
        var root = RepoPaths.Combine("tests", "Daemon.Tests", "obj", "publish");
        var dir = Path.Combine(root, hash);
        var binary = Path.Combine(dir, "gpuqos");
        if (File.Exists(binary))
        {
            return binary;
        }

        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }

        var psi = new ProcessStartInfo("dotnet", ["publish", RepoPaths.Combine("src", "Daemon"), "-c", "Release", "-r", "linux-x64", "-o", dir, "--nologo", "--verbosity", "quiet"])
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
        if (publish.ExitCode != 0 || !File.Exists(binary))
        {
            throw new InvalidOperationException($"dotnet publish failed ({publish.ExitCode}):\n{await stdout}\n{await stderr}");
        }

        return binary;
    }
}
