namespace GpuQos.Daemon.Hosting;

/// <summary>
/// A file or directory the daemon trusts, checked at start and on reload: the daemon refuses to run when it is
/// world-writable. Features register theirs (the enforcer its journal directory) with
/// <c>services.AddSingleton(new TrustedPath(path, "journal directory"))</c>.
/// </summary>
/// <param name="Path">Absolute path; a path that does not exist yet is not checked.</param>
/// <param name="Role">What it is, for the error message.</param>
public sealed record TrustedPath(string Path, string Role);
