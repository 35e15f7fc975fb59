using System.Diagnostics;
using System.Text.RegularExpressions;
using GpuQos.Daemon.Tests.TestSupport;

namespace GpuQos.Daemon.Tests.Operations;

public sealed partial class VersionTests
{
    [Fact]
    public async Task Version_BuiltFromGit_IsSemVerWithACommitOfThisRepository()
    {
        var (code, stdout, _) = await DaemonProcess.RunToEndAsync(["--version"]);

        Assert.Equal(0, code);
        var match = SemVer().Match(stdout.Trim());
        Assert.True(match.Success, $"'{stdout.Trim()}' is not X.Y.Z[-dev.N]+COMMIT");

        // The commit the build recorded must exist in this repository (built from git, not typed in).
        using var git = Process.Start(new ProcessStartInfo("git", ["cat-file", "-e", match.Groups["commit"].Value + "^{commit}"]) { WorkingDirectory = RepoPaths.Root, UseShellExecute = false })!;
        await git.WaitForExitAsync();
        Assert.Equal(0, git.ExitCode);
    }

    [GeneratedRegex(@"^\d+\.\d+\.\d+(-dev\.\d+)?\+(?<commit>[0-9a-f]{40})$")]
    private static partial Regex SemVer();
}
