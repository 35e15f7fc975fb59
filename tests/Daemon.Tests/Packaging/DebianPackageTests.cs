using GpuQos.Daemon.Tests.TestSupport;
using Xunit.Abstractions;

namespace GpuQos.Daemon.Tests.Packaging;

/// <summary>
/// deploy/debian/build.sh: a package lintian accepts, which installs into a clean Debian root with apt, runs
/// there, enables its unit without starting it where there is no GPU, and keeps the journal until purged.
/// </summary>
[Collection(PackagingCollection.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class DebianPackageTests(ITestOutputHelper output)
{
    private const string Unit = "gpuqos.service";

    // Stands in for init-system-helpers' deb-systemd-invoke, which can do nothing in a chroot: it records what
    // the maintainer scripts ask systemd to do. The real one is diverted aside (apt runs dpkg with a PATH of its
    // own, so a copy earlier in PATH would not be found); deb-systemd-helper, which enables units, stays real.
    private const string InvokeRecorder = "#!/bin/sh\necho \"$*\" >> /var/log/gpuqos-invoke.log\n";

    [SkippableFact]
    public async Task Lintian_ReportsNoErrors()
    {
        PackagingTools.SkipIfMissing();
        var built = await BuiltPackages.GetAsync();

        var lintian = await HostCommand.RunAsync("lintian", ["--fail-on", "error", "--suppress-tags", "spelling-error-in-binary", built.Deb], TimeSpan.FromMinutes(5));

        Assert.True(lintian.ExitCode == 0, lintian.Describe());
        Assert.DoesNotContain("\nE: ", "\n" + lintian.Stdout, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Package_VersionFilesAndConffile_AreWhatTheDocsSay()
    {
        PackagingTools.SkipIfMissing();
        var built = await BuiltPackages.GetAsync();

        var version = await HostCommand.CheckedAsync("dpkg-deb", ["--field", built.Deb, "Version"], TimeSpan.FromMinutes(1));
        var contents = await HostCommand.CheckedAsync("dpkg-deb", ["--contents", built.Deb], TimeSpan.FromMinutes(1));
        var conffiles = await HostCommand.CheckedAsync("sh", ["-c", "dpkg-deb --ctrl-tarfile \"$0\" | tar -xOf - ./conffiles", built.Deb], TimeSpan.FromMinutes(1));

        Assert.Equal(PackageVersions.Debian(built.Version), version.Trim());
        Assert.EndsWith($"gpuqos_{PackageVersions.Debian(built.Version)}_amd64.deb", built.Deb, StringComparison.Ordinal);
        Assert.Equal("/etc/gpuqos/gpuqos.yaml", conffiles.Trim());
        foreach (var line in new[]
        {
            "-rwxr-xr-x root/root .* ./usr/bin/gpuqos$",
            "-rwxr-xr-x root/root .* ./usr/bin/gpuqos-probe$",
            "-rw-r--r-- root/root .* ./lib/systemd/system/gpuqos.service$",
            "-rw-r--r-- root/root .* ./etc/gpuqos/gpuqos.yaml$",
            "./usr/share/gpuqos/prometheus/rules/gpuqos-alerts.yaml$",
            "./usr/share/gpuqos/dashboards/gpuqos-fleet-overview.json$",
            "./usr/share/gpuqos/systemd/freeze.conf$",
        })
        {
            Assert.Matches("(?m)" + line, contents);
        }

        // The rules and dashboards are every one the repository has.
        Assert.Equal(
            Directory.GetFiles(RepoPaths.Combine("deploy", "prometheus", "rules"), "*.yaml").Length + Directory.GetFiles(RepoPaths.Combine("dashboards"), "*.json").Length,
            contents.Split('\n').Count(l => l.Contains("./usr/share/gpuqos/prometheus/rules/", StringComparison.Ordinal) && l.EndsWith(".yaml", StringComparison.Ordinal)
                || l.Contains("./usr/share/gpuqos/dashboards/", StringComparison.Ordinal) && l.EndsWith(".json", StringComparison.Ordinal)));
        // The journal directory is not in the package: dpkg would remove it with the package.
        Assert.DoesNotContain("./var/lib/gpuqos", contents, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task CleanDebianRoot_InstallRunValidateUpgradeRemovePurge()
    {
        PackagingTools.SkipIfMissing();
        var built = await BuiltPackages.GetAsync();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await using var root = await CleanDebianRoot.CreateAsync();
        output.WriteLine($"image build {built.ImageBuild.TotalSeconds:F1} s, package build {built.DebBuild.TotalSeconds:F1} s, clean root (mmdebstrap) {clock.Elapsed.TotalSeconds:F1} s");
        File.Copy(built.Deb, root.At("/tmp/" + Path.GetFileName(built.Deb)));
        var deb = "/tmp/" + Path.GetFileName(built.Deb);
        Ok(await root.RunAsync("dpkg-divert", "--local", "--rename", "--add", "/usr/bin/deb-systemd-invoke"));
        File.WriteAllText(root.At("/usr/bin/deb-systemd-invoke"), InvokeRecorder);
        File.SetUnixFileMode(root.At("/usr/bin/deb-systemd-invoke"), (UnixFileMode)0b111_101_101);
        var invoked = root.At("/var/log/gpuqos-invoke.log");
        var wants = root.At("/etc/systemd/system/multi-user.target.wants/" + Unit);

        // Install as the docs say, with apt resolving the dependencies from the Debian mirror.
        Ok(await root.RunAsync("apt-get", "update", "-qq"));
        var install = Ok(await root.RunAsync("apt-get", "install", "-y", "-q", deb));
        Assert.Contains("enabled but not started", install.Stderr, StringComparison.Ordinal);
        Assert.Equal("/lib/systemd/system/" + Unit, new FileInfo(wants).LinkTarget);
        Assert.False(File.Exists(invoked) && File.ReadAllText(invoked).Contains("start", StringComparison.Ordinal), "postinst started the unit on a host without a GPU");
        Assert.Equal("0750", Hosting.FileModes.Octal(File.GetUnixFileMode(root.At("/var/lib/gpuqos"))));
        Assert.Equal("root root", Ok(await root.RunAsync("stat", "-c", "%U %G", "/var/lib/gpuqos")).Stdout.Trim());

        // It runs there: the version it was built as, and the shipped configuration is valid.
        Assert.Equal(built.Version, Ok(await root.RunWithProcAsync("gpuqos", "--version")).Stdout.Trim());
        Assert.Contains("valid", Ok(await root.RunWithProcAsync("gpuqos", "validate", "/etc/gpuqos/gpuqos.yaml")).Stdout, StringComparison.Ordinal);
        var unit = File.ReadAllText(root.At("/lib/systemd/system/" + Unit));
        Assert.Contains("\nExecStart=/usr/bin/gpuqos run --config /etc/gpuqos/gpuqos.yaml\n", unit, StringComparison.Ordinal);
        Assert.DoesNotContain("/usr/local/bin", unit, StringComparison.Ordinal);

        // Upgrade (the same package again: prerm upgrade, then postinst configure with the old version) on a host
        // whose driver shows a GPU: the daemon is restarted, the journal and the operator's configuration kept.
        File.WriteAllText(root.At("/var/lib/gpuqos/actions.jsonl"), "{\"journal\":\"kept\"}\n");
        File.AppendAllText(root.At("/etc/gpuqos/gpuqos.yaml"), "# edited by the operator\n");
        Directory.CreateDirectory(root.At("/proc/driver/nvidia/gpus/0000:3b:00.0"));
        Ok(await root.RunAsync("dpkg", "--force-confold", "-i", deb));
        Assert.Contains("restart " + Unit, File.ReadAllText(invoked), StringComparison.Ordinal);
        Assert.Equal("{\"journal\":\"kept\"}\n", File.ReadAllText(root.At("/var/lib/gpuqos/actions.jsonl")));
        Assert.EndsWith("# edited by the operator\n", File.ReadAllText(root.At("/etc/gpuqos/gpuqos.yaml")), StringComparison.Ordinal);
        Directory.Delete(root.At("/proc/driver"), recursive: true);

        // Remove: the daemon is stopped (it reverts its actions on stop); the journal and configuration stay.
        Ok(await root.RunAsync("apt-get", "remove", "-y", "-q", "gpuqos"));
        Assert.Contains("stop " + Unit, File.ReadAllText(invoked), StringComparison.Ordinal);
        Assert.False(File.Exists(root.At("/usr/bin/gpuqos")), "remove left the binary");
        Assert.True(File.Exists(root.At("/var/lib/gpuqos/actions.jsonl")), "remove deleted the journal");
        Assert.True(File.Exists(root.At("/etc/gpuqos/gpuqos.yaml")), "remove deleted the configuration");

        // Purge: the journal, the configuration and the unit's enabled state go.
        Ok(await root.RunAsync("dpkg", "--purge", "gpuqos"));
        Assert.False(Directory.Exists(root.At("/var/lib/gpuqos")), "purge left /var/lib/gpuqos");
        Assert.False(File.Exists(root.At("/etc/gpuqos/gpuqos.yaml")), "purge left the configuration");
        Assert.False(new FileInfo(wants).Exists || new FileInfo(wants).LinkTarget is not null, "purge left the unit enabled");
        Assert.False(File.Exists(root.At("/var/lib/dpkg/info/gpuqos.list")), "dpkg still lists the package's files");
        output.WriteLine($"clean root, install, upgrade, remove and purge: {clock.Elapsed.TotalSeconds:F1} s");
    }

    [SkippableFact]
    public async Task BuildScript_PreRelease_GetsADebianVersionThatSortsBeforeTheRelease()
    {
        Skip.IfNot(File.Exists("/usr/bin/dpkg-deb"), "dpkg-deb is missing");
        using var dir = new Operations.TempDirectory();
        var binary = dir.Write("gpuqos", "#!/bin/sh\necho 0.2.0-dev.3+2d3481c147f7a8c6ba3de650d07a5cc153592924\n", (UnixFileMode)0b111_101_101);
        dir.Write("gpuqos-probe", "#!/bin/sh\necho 0.2.0-dev.3+2d3481c147f7a8c6ba3de650d07a5cc153592924\n", (UnixFileMode)0b111_101_101);

        var deb = (await HostCommand.CheckedAsync(RepoPaths.Combine("deploy", "debian", "build.sh"), ["--binary", binary, "--out", dir.Path], TimeSpan.FromMinutes(3))).Trim();

        Assert.Equal(Path.Combine(dir.Path, "gpuqos_0.2.0~dev.3_amd64.deb"), deb);
        Assert.Equal("0.2.0~dev.3", (await HostCommand.CheckedAsync("dpkg-deb", ["--field", deb, "Version"], TimeSpan.FromMinutes(1))).Trim());
        Assert.Equal(0, (await HostCommand.RunAsync("dpkg", ["--compare-versions", "0.2.0~dev.3", "lt", "0.2.0"], TimeSpan.FromMinutes(1))).ExitCode);
    }

    [SkippableFact]
    public async Task BuildScript_BinaryThatPrintsNoVersion_FailsNamingWhatItPrinted()
    {
        Skip.IfNot(File.Exists("/usr/bin/dpkg-deb"), "dpkg-deb is missing");
        using var dir = new Operations.TempDirectory();
        var binary = dir.Write("gpuqos", "#!/bin/sh\necho 'Unhandled exception'\n", (UnixFileMode)0b111_101_101);

        var result = await HostCommand.RunAsync(RepoPaths.Combine("deploy", "debian", "build.sh"), ["--binary", binary, "--out", dir.Path], TimeSpan.FromMinutes(3));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("'Unhandled exception' from " + binary + " --version is not a version", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(dir.Path, "*.deb"));
    }

    [SkippableFact]
    public async Task BuildScript_ProbeOfAnotherVersionOrMissing_FailsNamingIt()
    {
        Skip.IfNot(File.Exists("/usr/bin/dpkg-deb"), "dpkg-deb is missing");
        using var dir = new Operations.TempDirectory();
        var binary = dir.Write("gpuqos", "#!/bin/sh\necho 0.2.0\n", (UnixFileMode)0b111_101_101);
        var script = RepoPaths.Combine("deploy", "debian", "build.sh");

        var missing = await HostCommand.RunAsync(script, ["--binary", binary, "--out", dir.Path], TimeSpan.FromMinutes(3));
        var probe = dir.Write("gpuqos-probe", "#!/bin/sh\necho 0.1.9\n", (UnixFileMode)0b111_101_101);
        var mismatched = await HostCommand.RunAsync(script, ["--binary", binary, "--out", dir.Path], TimeSpan.FromMinutes(3));

        Assert.Equal(2, missing.ExitCode);
        Assert.Contains(probe + " is missing or not executable", missing.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, mismatched.ExitCode);
        Assert.Contains(probe + " is version '0.1.9', gpuqos is '0.2.0'", mismatched.Stderr, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(dir.Path, "*.deb"));
    }

    private static CommandResult Ok(CommandResult result)
    {
        Assert.True(result.ExitCode == 0, result.Describe());
        return result;
    }
}
