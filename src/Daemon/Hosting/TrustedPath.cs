namespace GpuQos.Daemon.Hosting;

/// <summary>
/// A file or directory the daemon trusts, checked at start and on reload: the daemon refuses to run when it is
/// world-writable. Features register theirs (the enforcer its journal directory) with
/// <c>services.AddSingleton(new TrustedPath(path, "journal directory"))</c>.
/// </summary>
/// <param name="Path">Absolute path; a path that does not exist yet is not checked.</param>
/// <param name="Role">What it is, for the error message.</param>
public sealed record TrustedPath(string Path, string Role)
{
    /// <summary>
    /// The configuration file and its directory (when the configuration came from a file): what must be
    /// checked before anything the configuration names is acted on, the crash-recovery replay included.
    /// </summary>
    public static IReadOnlyList<TrustedPath> OfConfiguration(string configSource)
    {
        ArgumentNullException.ThrowIfNull(configSource);
        if (!File.Exists(configSource))
        {
            return [];
        }

        var full = System.IO.Path.GetFullPath(configSource);
        return [new TrustedPath(full, "configuration file"), new TrustedPath(System.IO.Path.GetDirectoryName(full)!, "configuration directory")];
    }

    /// <summary>Why the first of <paramref name="paths"/> that may not be trusted is refused; null when all may.</summary>
    public static string? FirstProblem(IEnumerable<TrustedPath> paths) =>
        paths.Select(p => FileModes.CheckNotWorldWritable(p.Path, p.Role)).FirstOrDefault(problem => problem is not null);
}
