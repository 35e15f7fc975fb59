namespace GpuQos.Daemon.Tests.Packaging;

/// <summary>
/// How the packaging scripts turn <c>gpuqos --version</c> (X.Y.Z[-dev.N][+COMMIT]) into an image tag and a Debian
/// version; the tests hold the scripts' outputs to these.
/// </summary>
internal static class PackageVersions
{
    /// <summary>The image repository deploy/container/build.sh names (until the user pushes it elsewhere).</summary>
    public const string ImageRepository = "localhost/gpuqos";

    /// <summary>X.Y.Z: the release a build is of or after.</summary>
    public static string Release(string version) => ImageTag(version).Split('-')[0];

    /// <summary>The version without its build metadata: an image tag cannot hold a '+'.</summary>
    public static string ImageTag(string version) => version.Split('+')[0];

    /// <summary>A pre-release's '-' becomes '~', which Debian sorts before the release.</summary>
    public static string Debian(string version)
    {
        var tag = ImageTag(version);
        var dash = tag.IndexOf('-', StringComparison.Ordinal);
        return dash < 0 ? tag : string.Concat(tag.AsSpan(0, dash), "~", tag.AsSpan(dash + 1));
    }
}
