namespace GpuQos.Daemon.Tests.TestSupport;

/// <summary>Locates files of the repository from a test's output directory.</summary>
public static class RepoPaths
{
    /// <summary>The repository root (the directory holding GpuQos.sln).</summary>
    public static string Root { get; } = FindRoot();

    public static string Combine(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "GpuQos.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("cannot find GpuQos.sln above " + AppContext.BaseDirectory);
    }
}
