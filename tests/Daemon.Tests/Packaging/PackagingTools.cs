namespace GpuQos.Daemon.Tests.Packaging;

/// <summary>
/// Whether this machine can build and check the packages: root (mmdebstrap's root mode, buildah's vfs storage,
/// chroot) and the Debian tools scripts/setup.sh installs. CI has both; elsewhere the tests say what is missing.
/// </summary>
internal static class PackagingTools
{
    private static readonly string[] Tools = ["mmdebstrap", "buildah", "lintian", "dpkg-deb", "unshare", "chroot"];

    /// <summary>Skips the calling test, saying why, where the machine cannot build the packages.</summary>
    public static void SkipIfMissing()
    {
        var missing = Missing();
        Skip.If(missing is not null, missing);
    }

    public static string? Missing()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            return "the packaging checks need root (mmdebstrap --mode=root, buildah with vfs storage, chroot)";
        }

        var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':');
        var missing = Tools.Where(t => !path.Any(dir => File.Exists(Path.Combine(dir, t)))).ToList();
        return missing.Count == 0 ? null : $"missing {string.Join(", ", missing)}: run scripts/setup.sh";
    }
}
