using System.Globalization;

namespace GpuQos.Daemon.Hosting;

/// <summary>
/// The file-permission rules the daemon enforces before it trusts a file: a root-adjacent daemon that reads a
/// configuration or journal anyone can write would let anyone steer it, and a token anyone can read is no secret.
/// </summary>
public static class FileModes
{
    private const UnixFileMode GroupOrOther =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>Returns why <paramref name="path"/> may not be used as a secret (null when it is 0600 or stricter).</summary>
    public static string? CheckSecret(string path, string role)
    {
        if (!File.Exists(path))
        {
            return $"the {role} {path} does not exist";
        }

        if (OperatingSystem.IsWindows())
        {
            return null;
        }

        var mode = File.GetUnixFileMode(path);
        return (mode & GroupOrOther) != 0
            ? $"the {role} {path} has mode {Octal(mode)}; it must be readable by its owner only (chmod 600 {path})"
            : null;
    }

    /// <summary>
    /// Returns why <paramref name="path"/> (a file or directory) may not be trusted (null when no one but its
    /// owner and group can write it). A path on a read-only mount is safe whatever its mode: Kubernetes shows a
    /// ConfigMap volume's directory as 0777 although it is mounted read-only (kubernetes/kubernetes#136032).
    /// </summary>
    public static string? CheckNotWorldWritable(string path, string role)
    {
        if (OperatingSystem.IsWindows() || !Path.Exists(path) || PosixFiles.IsReadOnlyMount(path) == true)
        {
            return null;
        }

        var mode = File.GetUnixFileMode(path);
        var sticky = Directory.Exists(path) && (mode & UnixFileMode.StickyBit) != 0;
        return (mode & UnixFileMode.OtherWrite) != 0 && !sticky
            ? $"the {role} {path} is world-writable (mode {Octal(mode)}); anyone could change what the daemon does. Fix it with chmod o-w {path}"
            : null;
    }

    /// <summary>The permission bits as <c>ls -l</c>'s octal (e.g. <c>0644</c>).</summary>
    public static string Octal(UnixFileMode mode) => "0" + Convert.ToString((int)mode & 0xFFF, 8).PadLeft(3, '0').ToString(CultureInfo.InvariantCulture);
}
