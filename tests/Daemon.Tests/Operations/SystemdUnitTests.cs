using System.Diagnostics;
using System.Text.RegularExpressions;
using GpuQos.Daemon.Tests.TestSupport;

namespace GpuQos.Daemon.Tests.Operations;

/// <summary>deploy/systemd/gpuqos.service: accepted by systemd, and hardened as documented.</summary>
public sealed partial class SystemdUnitTests
{
    private static readonly string Unit = RepoPaths.Combine("deploy", "systemd", "gpuqos.service");
    private static readonly string FreezeDropIn = RepoPaths.Combine("deploy", "systemd", "gpuqos.service.d", "freeze.conf");

    [Fact]
    public async Task Unit_SystemdAnalyzeVerify_Passes()
    {
        // verify checks that ExecStart's binary exists; point it at one that does, keep everything else.
        using var dir = new TempDirectory();
        var copy = dir.Write("gpuqos.service", File.ReadAllText(Unit).Replace("/usr/local/bin/gpuqos", "/bin/true", StringComparison.Ordinal));
        var psi = new ProcessStartInfo("systemd-analyze", ["verify", copy]) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };

        using var verify = Process.Start(psi)!;
        var output = await verify.StandardError.ReadToEndAsync() + await verify.StandardOutput.ReadToEndAsync();
        await verify.WaitForExitAsync();

        Assert.True(verify.ExitCode == 0 && output.Trim().Length == 0, output);
    }

    [Fact]
    public async Task Unit_WithTheFreezeDropIn_SystemdAnalyzeVerify_Passes()
    {
        // verify reads the drop-in directory beside the unit, and reports an unknown or misspelt key in it.
        using var dir = new TempDirectory();
        var copy = dir.Write("gpuqos.service", File.ReadAllText(Unit).Replace("/usr/local/bin/gpuqos", "/bin/true", StringComparison.Ordinal));
        Directory.CreateDirectory(Path.Combine(dir.Path, "gpuqos.service.d"));
        dir.Write(Path.Combine("gpuqos.service.d", "freeze.conf"), File.ReadAllText(FreezeDropIn));
        var psi = new ProcessStartInfo("systemd-analyze", ["verify", copy]) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };

        using var verify = Process.Start(psi)!;
        var output = await verify.StandardError.ReadToEndAsync() + await verify.StandardOutput.ReadToEndAsync();
        await verify.WaitForExitAsync();

        Assert.True(verify.ExitCode == 0 && output.Trim().Length == 0, output);
    }

    [Fact]
    public void Unit_SysAndTheCgroupTreeReadOnly_FreezeDropInOpensTheCgroupTreeAlone()
    {
        Assert.Equal(["yes"], Values("ProtectKernelTunables"));
        Assert.Equal(["yes"], Values("ProtectControlGroups"));
        Assert.DoesNotContain(Values("ReadWritePaths").SelectMany(v => v.Split(' ')), p => p.StartsWith("/sys", StringComparison.Ordinal));

        var dropIn = File.ReadAllLines(FreezeDropIn).Where(l => l.Contains('=', StringComparison.Ordinal) && !l.StartsWith('#')).ToList();
        Assert.Equal(["ProtectControlGroups=no", "ReadWritePaths=/sys/fs/cgroup"], dropIn);
    }

    [Theory]
    [InlineData("Type", "notify")]
    [InlineData("Restart", "on-failure")]
    [InlineData("ProtectSystem", "strict")]
    [InlineData("NoNewPrivileges", "yes")]
    [InlineData("PrivateTmp", "yes")]
    [InlineData("ProtectHome", "yes")]
    [InlineData("RestrictAddressFamilies", "AF_UNIX AF_INET AF_INET6")]
    [InlineData("DevicePolicy", "closed")]
    [InlineData("ExecReload", "/bin/kill -HUP $MAINPID")]
    public void Unit_Sets(string key, string value) => Assert.Contains(value, Values(key));

    [Fact]
    public void Unit_HasAWatchdogAndWritesOnlyTheStateDirectory()
    {
        Assert.Matches(@"^\d+s$", Assert.Single(Values("WatchdogSec")));
        Assert.Contains("/var/lib/gpuqos", Assert.Single(Values("ReadWritePaths")).Split(' '));
    }

    [Fact]
    public void Unit_EveryKeptCapabilityIsJustifiedInAComment()
    {
        var kept = Assert.Single(Values("CapabilityBoundingSet")).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var comments = File.ReadAllLines(Unit).Where(l => l.TrimStart().StartsWith('#')).ToArray();

        Assert.NotEmpty(kept);
        Assert.DoesNotContain("CAP_SYS_PTRACE", kept);
        Assert.DoesNotContain("CAP_DAC_OVERRIDE", kept);
        foreach (var cap in kept)
        {
            // A line of its own that starts with the capability and says what it is for.
            Assert.Contains(comments, c => CapabilityReason().Match(c) is { Success: true } m && m.Groups[1].Value == cap);
        }
    }

    [Fact]
    public void Unit_BindsNoDirectoryThatAnyUserCanCreate()
    {
        // Issue 26: a bound /tmp/nvidia-mps could be created first by any local user, with their own pipes in it.
        var bound = new[] { "BindPaths", "BindReadOnlyPaths" }.SelectMany(Values).SelectMany(v => v.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Select(p => p.TrimStart('-')).ToList();

        Assert.Contains("/run/nvidia-mps", bound);
        Assert.Contains("CUDA_MPS_PIPE_DIRECTORY=/run/nvidia-mps", Values("Environment"));
        Assert.DoesNotContain(bound, p => p.StartsWith("/tmp/", StringComparison.Ordinal) || p.StartsWith("/var/tmp/", StringComparison.Ordinal) || p.StartsWith("/dev/shm/", StringComparison.Ordinal));
    }

    [Fact]
    public void Unit_KeepsTheCapabilitiesTheDaemonSetAdds()
    {
        var kept = Assert.Single(Values("CapabilityBoundingSet")).Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(c => c["CAP_".Length..]).Order(StringComparer.Ordinal);
        var container = ManifestDocuments.At(ManifestDocuments.Load(RepoPaths.Combine("deploy", "kubernetes", "daemonset.yaml")).Single(), "spec.template.spec.containers.0");
        var added = ((List<object>)ManifestDocuments.At(container, "securityContext.capabilities.add")!).Select(o => o.ToString()!).Order(StringComparer.Ordinal);

        Assert.Equal(kept, added);
        Assert.Contains("SETUID", added);
        Assert.Contains("SETGID", added);
    }

    private static List<string> Values(string key) =>
        File.ReadAllLines(Unit).Where(l => l.StartsWith(key + "=", StringComparison.Ordinal)).Select(l => l[(key.Length + 1)..]).ToList();

    [GeneratedRegex(@"^#\s+(CAP_[A-Z_]+)\s+\S.{20,}")]
    private static partial Regex CapabilityReason();
}
