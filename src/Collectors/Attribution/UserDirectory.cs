using System.Globalization;

namespace GpuQos.Collectors.Attribution;

/// <summary>
/// UID to user name, from a passwd file (<c>/etc/passwd</c> by default). Re-read when the file changes, so
/// a user added later is named without a restart. Users that only a directory service (LDAP, SSSD) knows
/// are shown by their numeric UID: the daemon never calls NSS.
/// </summary>
public sealed class UserDirectory(string passwdPath)
{
    private readonly Lock _lock = new();
    private Dictionary<int, string> _names = [];
    private DateTime _loadedStamp = DateTime.MinValue;

    /// <summary>The user name of <paramref name="uid"/>, or the UID as text when the file does not name it.</summary>
    public string NameOf(int uid)
    {
        lock (_lock)
        {
            Reload();
            return _names.TryGetValue(uid, out var name) ? name : uid.ToString(CultureInfo.InvariantCulture);
        }
    }

    /// <summary>Parses passwd content (<c>name:password:UID:GID:gecos:home:shell</c>).</summary>
    public static Dictionary<int, string> Parse(string content)
    {
        var names = new Dictionary<int, string>();
        foreach (var line in content.Split('\n'))
        {
            var fields = line.Split(':');
            if (fields.Length >= 3 && !line.StartsWith('#') && int.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var uid))
            {
                names.TryAdd(uid, fields[0]);
            }
        }

        return names;
    }

    private void Reload()
    {
        try
        {
            var stamp = File.GetLastWriteTimeUtc(passwdPath);
            if (stamp != _loadedStamp)
            {
                _names = File.Exists(passwdPath) ? Parse(File.ReadAllText(passwdPath)) : [];
                _loadedStamp = stamp;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Keep the names we had.
        }
    }
}
