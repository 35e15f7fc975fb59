using GpuQos.Daemon.Tests.TestSupport;

namespace GpuQos.Daemon.Tests.Packaging;

/// <summary>The build scripts and the maintainer scripts, which run as root on users' hosts, are shellcheck-clean.</summary>
public sealed class PackagingScriptTests
{
    [SkippableFact]
    public async Task BuildAndMaintainerScripts_AreShellcheckClean()
    {
        Skip.If(!File.Exists("/usr/bin/shellcheck"), "shellcheck is not installed (scripts/setup.sh installs it)");
        string[] scripts =
        [
            RepoPaths.Combine("deploy", "container", "build.sh"),
            RepoPaths.Combine("deploy", "debian", "build.sh"),
            RepoPaths.Combine("deploy", "debian", "postinst"),
            RepoPaths.Combine("deploy", "debian", "prerm"),
            RepoPaths.Combine("deploy", "debian", "postrm"),
        ];

        var result = await HostCommand.RunAsync("shellcheck", scripts, TimeSpan.FromMinutes(2));

        Assert.True(result.ExitCode == 0, result.Describe());
    }
}
