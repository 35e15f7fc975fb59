using GpuQos.Advisor.Output;
using GpuQos.Daemon.Cli;
using GpuQos.Daemon.Tests.TestSupport;

namespace GpuQos.Daemon.Tests.Cli;

/// <summary>Issue 26: <c>audit --out</c> and <c>advise --out</c> wrote through planted symlinks, and SafeName let <c>..</c> through.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ReportDirectoryTests : IDisposable
{
    private const UnixFileMode Mode0755 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private readonly string _root = Directory.CreateTempSubdirectory("gpuqos-out-").FullName;

    [Fact]
    public void Write_PlantedSymlinkNamedLikeTheReport_ReplacesTheLinkNotItsTarget()
    {
        var (dir, victim) = PlantedLink("report.json");

        var path = ReportDirectory.Open(dir).Write("report.json", "{\"outcome\":\"passed\"}");

        Assert.Equal("precious", File.ReadAllText(victim));
        Assert.Null(new FileInfo(path).LinkTarget);
        Assert.Equal("{\"outcome\":\"passed\"}", File.ReadAllText(path));
        Assert.Equal(["report.json"], Directory.GetFiles(dir).Select(Path.GetFileName));
    }

    [Fact]
    public void Open_DirectoryOfAnotherUser_Refuses()
    {
        // As root the test hands a directory to nobody; as anyone else, / is already someone else's.
        var dir = "/";
        if (Environment.UserName == "root")
        {
            dir = Directory.CreateDirectory(Path.Combine(_root, "theirs"), Mode0755).FullName;
            Chown(dir, 65534);
        }

        var ex = Assert.Throws<UnsafeOutputException>(() => ReportDirectory.Open(dir));

        Assert.Contains("owned by UID", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_GroupOrOtherWritableDirectory_Refuses()
    {
        var dir = Directory.CreateDirectory(Path.Combine(_root, "shared")).FullName;
        File.SetUnixFileMode(dir, Mode0755 | UnixFileMode.OtherWrite | UnixFileMode.StickyBit);

        var ex = Assert.Throws<UnsafeOutputException>(() => ReportDirectory.Open(dir));

        Assert.Contains("group or others", ex.Message, StringComparison.Ordinal);
        Assert.Contains(dir, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_SymlinkToADirectory_Refuses()
    {
        var real = Directory.CreateDirectory(Path.Combine(_root, "real"), Mode0755).FullName;
        var link = Path.Combine(_root, "link");
        File.CreateSymbolicLink(link, real);

        var ex = Assert.Throws<UnsafeOutputException>(() => ReportDirectory.Open(link));

        Assert.Contains("symbolic link", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_Missing_CreatesIt0755AndWrites()
    {
        var dir = Path.Combine(_root, "new", "audit");

        var path = ReportDirectory.Open(dir).Write("junit.xml", "<testsuites/>");

        Assert.Equal(Mode0755, File.GetUnixFileMode(dir));
        Assert.Equal("<testsuites/>", File.ReadAllText(path));
    }

    [Theory]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("../x")]
    [InlineData("a/b")]
    [InlineData("")]
    public void Names_DotsAndSeparators_AreRefused(string name)
    {
        var dir = ReportDirectory.Open(Path.Combine(_root, "out"));

        Assert.Throws<UnsafeOutputException>(() => dir.Write(name, "x"));
        Assert.Throws<UnsafeOutputException>(() => dir.Child(name));
    }

    [Theory]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("")]
    public void AdviceSafeName_DotsOnly_IsRefused(string host) => Assert.Throws<ArgumentException>(() => AdviceFiles.SafeName(host));

    [Fact]
    public void AdviceSafeName_HostAndPort_BecomesOneName() => Assert.Equal("10.0.0.5_9450", AdviceFiles.SafeName("10.0.0.5:9450"));

    [Fact]
    public async Task AdviseOut_PlantedSymlinkInTheHostDirectory_TargetIsNotOverwritten()
    {
        await using var daemon = await DaemonProcess.StartAsync(["--backend", "sim"]);
        // A daemon's own evidence names its host by the machine name.
        var hostDir = AdviceFiles.SafeName(Environment.MachineName);
        var output = Directory.CreateDirectory(Path.Combine(_root, "advice"), Mode0755).FullName;
        Directory.CreateDirectory(Path.Combine(output, hostDir), Mode0755);
        var victims = new[] { AdviceFiles.MigParted, AdviceFiles.DevicePlugin, AdviceFiles.Suggestions }
            .Select(name => PlantedLink(Path.Combine(output, hostDir), name, "victim-" + name)).ToList();

        var (code, stdout, stderr) = await DaemonProcess.RunToEndAsync(["advise", "--url", daemon.BaseUri.ToString(), "--out", output]);

        Assert.True(code == 0, $"exit {code}: {stdout}{stderr}");
        Assert.All(victims, v => Assert.Equal("precious", File.ReadAllText(v)));
        // The files the advice called for replaced their links; a link to a file it did not call for is left alone.
        var replaced = Directory.GetFiles(Path.Combine(output, hostDir)).Where(f => new FileInfo(f).LinkTarget is null).ToList();
        Assert.NotEmpty(replaced);
        Assert.All(replaced, f => Assert.Contains(Path.GetFileName(f), stdout, StringComparison.Ordinal));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private (string Dir, string Victim) PlantedLink(string name)
    {
        var dir = Directory.CreateDirectory(Path.Combine(_root, "out"), Mode0755).FullName;
        return (dir, PlantedLink(dir, name, "victim"));
    }

    private string PlantedLink(string dir, string name, string victimName)
    {
        var victim = Path.Combine(_root, victimName);
        File.WriteAllText(victim, "precious");
        File.CreateSymbolicLink(Path.Combine(dir, name), victim);
        return victim;
    }

    private static void Chown(string path, int uid)
    {
        using var chown = System.Diagnostics.Process.Start("chown", [uid.ToString(System.Globalization.CultureInfo.InvariantCulture), path])!;
        chown.WaitForExit();
        Assert.Equal(0, chown.ExitCode);
    }
}
