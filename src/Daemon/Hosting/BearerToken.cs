using System.Security.Cryptography;
using System.Text;

namespace GpuQos.Daemon.Hosting;

/// <summary>
/// The bearer token that state-changing endpoints require. It is read from a file that must be mode 0600, and
/// compared in constant time so that response timing reveals nothing about how much of a guess was right.
/// </summary>
public sealed class BearerToken
{
    private volatile byte[]? _token;

    /// <summary>The file it was read from; null when no token is configured (the endpoints are then disabled).</summary>
    public string? Source { get; private set; }

    /// <summary>True when a token is configured.</summary>
    public bool Configured => _token is not null;

    /// <summary>Reads (or re-reads, on reload) the token file; throws <see cref="StartupRefusedException"/> naming the file when it is unsafe or empty.</summary>
    public void Load(string? path)
    {
        if (path is null)
        {
            _token = null;
            Source = null;
            return;
        }

        if (FileModes.CheckSecret(path, "token file (web.tokenFile)") is { } problem)
        {
            throw new StartupRefusedException(problem);
        }

        string text;
        try
        {
            text = File.ReadAllText(path).Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StartupRefusedException($"cannot read the token file {path}: {ex.Message}", ex);
        }

        if (text.Length < Configuration.WebOptionsDefaults.MinimumTokenLength || text.Any(char.IsWhiteSpace))
        {
            throw new StartupRefusedException(
                $"the token file {path} must hold one token of at least {Configuration.WebOptionsDefaults.MinimumTokenLength} characters without spaces (e.g. openssl rand -hex 32 > {path})");
        }

        _token = SHA256.HashData(Encoding.UTF8.GetBytes(text));
        Source = path;
    }

    /// <summary>True when <paramref name="authorization"/> is <c>Bearer TOKEN</c> with the configured token.</summary>
    public bool Accepts(string? authorization)
    {
        var expected = _token;
        if (expected is null || authorization is null || !authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        // Hashing both sides first gives equal lengths, so not even the token's length leaks through timing.
        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(authorization[7..].Trim()));
        return CryptographicOperations.FixedTimeEquals(presented, expected);
    }
}
