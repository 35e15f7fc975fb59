using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace GpuQos.Daemon.Http;

/// <summary>The outcome of one basic-auth check.</summary>
public enum PasswordVerdict
{
    /// <summary>A configured user with the right password.</summary>
    Accepted,

    /// <summary>An unknown user, a wrong password or a malformed header.</summary>
    Rejected,

    /// <summary>Every bcrypt slot was taken: the request was refused without a check.</summary>
    Busy,
}

/// <summary>
/// Checks <c>user:password</c> against bcrypt hashes, as exporter-toolkit's <c>basic_auth_users</c> does.
/// bcrypt is slow on purpose (tens of ms of CPU), so three things keep it from being turned against the daemon:
/// a success is remembered by a SHA-256 of the credentials (a scrape every few seconds costs a lookup); at most
/// <c>maxConcurrent</c> checks run at once and the rest are refused at once; and an unknown user is checked
/// against a dummy hash of the same cost as the configured ones, so its answer takes as long as a wrong password's.
/// </summary>
public sealed class PasswordCheck : IDisposable
{
    private const int CacheLimit = 64;
    private readonly IReadOnlyDictionary<string, string> _users;
    private readonly SemaphoreSlim _slots;
    private readonly ConcurrentDictionary<string, bool> _verified = new(StringComparer.Ordinal);
    private readonly Lazy<string> _dummyHash;

    /// <summary>Checks against <paramref name="users"/> (user → bcrypt hash), running at most <paramref name="maxConcurrent"/> bcrypt rounds at once.</summary>
    public PasswordCheck(IReadOnlyDictionary<string, string> users, int maxConcurrent)
    {
        ArgumentNullException.ThrowIfNull(users);
        _users = users;
        _slots = new SemaphoreSlim(maxConcurrent, maxConcurrent);
        var cost = users.Values.Select(Cost).DefaultIfEmpty(10).Max();
        DummyCost = cost;
        _dummyHash = new(() => BCrypt.Net.BCrypt.HashPassword(Convert.ToHexString(RandomNumberGenerator.GetBytes(16)), cost));
    }

    /// <summary>The bcrypt cost of the dummy hash: the highest cost among the configured users.</summary>
    public int DummyCost { get; }

    /// <summary>Checks a <c>user:password</c> pair (the decoded basic-auth parameter).</summary>
    public PasswordVerdict Check(string credentials)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        var colon = credentials.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return PasswordVerdict.Rejected;
        }

        var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(credentials)));
        if (_verified.ContainsKey(key))
        {
            return PasswordVerdict.Accepted;
        }

        if (!_slots.Wait(0))
        {
            return PasswordVerdict.Busy;
        }

        bool ok;
        try
        {
            var (user, password) = (credentials[..colon], credentials[(colon + 1)..]);
            var known = _users.TryGetValue(user, out var hash);
            ok = BCrypt.Net.BCrypt.Verify(password, known ? hash : _dummyHash.Value) && known;
        }
        finally
        {
            _slots.Release();
        }

        if (!ok)
        {
            return PasswordVerdict.Rejected;
        }

        if (_verified.Count >= CacheLimit)
        {
            _verified.Clear();
        }

        _verified[key] = true;
        return PasswordVerdict.Accepted;
    }

    /// <inheritdoc />
    public void Dispose() => _slots.Dispose();

    /// <summary>The cost of a <c>$2y$NN$…</c> hash (validation has checked the shape).</summary>
    internal static int Cost(string hash) =>
        hash.Length > 6 && int.TryParse(hash.AsSpan(4, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var cost) ? cost : 10;
}
