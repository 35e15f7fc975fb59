namespace GpuQos.Daemon.Tests.TestSupport;

/// <summary>
/// Finds programs from Debian packages that tests drive (promtool, prometheus, chromium). scripts/setup.sh
/// installs them; a test that needs one fails with the package name when it is missing, so a missing
/// install step can never turn into a silently skipped check.
/// </summary>
public static class ExternalTool
{
    private static readonly Dictionary<string, string> Packages = new(StringComparer.Ordinal)
    {
        ["promtool"] = "prometheus",
        ["prometheus"] = "prometheus",
        ["chromium"] = "chromium",
        ["gcc"] = "gcc",
        ["make"] = "make",
    };

    /// <summary>The full path of <paramref name="name"/> on PATH, or null.</summary>
    public static string? Find(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);

    /// <summary>The full path of <paramref name="name"/>; fails the test when it is not installed.</summary>
    public static string Require(string name) =>
        Find(name) ?? throw new InvalidOperationException(
            $"{name} is not installed; run scripts/setup.sh (Debian package '{Packages.GetValueOrDefault(name, name)}')");
}
