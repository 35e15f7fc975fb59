using System.Globalization;

namespace GpuQos.Daemon.Doctor;

/// <summary>
/// The daemon's effective user and capabilities, from <c>self/status</c> under the procfs root (<c>Uid:</c>
/// and <c>CapEff:</c>), so tests use fixture trees.
/// </summary>
internal sealed class HostPrivileges
{
    /// <summary><c>CAP_KILL</c>: signal processes of other users (throttle).</summary>
    public const int CapKill = 5;

    /// <summary><c>CAP_SYS_ADMIN</c>: what NVML asks of clock, power, compute-mode and vGPU scheduler changes.</summary>
    public const int CapSysAdmin = 21;

    /// <summary><c>CAP_SYS_NICE</c>: renice processes of other users (priority).</summary>
    public const int CapSysNice = 23;

    private HostPrivileges(uint? uid, ulong? capabilities, string source)
    {
        Uid = uid;
        Capabilities = capabilities;
        Source = source;
    }

    /// <summary>Effective UID, or null when unreadable.</summary>
    public uint? Uid { get; }

    /// <summary>The <c>CapEff</c> mask, or null when unreadable.</summary>
    public ulong? Capabilities { get; }

    /// <summary>The file read.</summary>
    public string Source { get; }

    /// <summary>Reads <c>ROOT/self/status</c>.</summary>
    public static HostPrivileges Read(string procfsRoot)
    {
        var path = Path.Combine(procfsRoot, "self", "status");
        uint? uid = null;
        ulong? caps = null;
        try
        {
            foreach (var line in File.ReadLines(path))
            {
                var fields = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length >= 3 && fields[0] == "Uid:" && uint.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var effective))
                {
                    uid = effective;
                }
                else if (fields.Length >= 2 && fields[0] == "CapEff:" && ulong.TryParse(fields[1], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var mask))
                {
                    caps = mask;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Reported as unknown below.
        }

        return new HostPrivileges(uid, caps, path);
    }

    /// <summary>Whether the capability is effective; null when <c>CapEff</c> could not be read.</summary>
    public bool? Has(int capability) => Capabilities is { } c ? (c & (1UL << capability)) != 0 : null;

    /// <summary>Says whether the capability is held, e.g. <c>uid 0, CAP_SYS_ADMIN effective</c>.</summary>
    public string Describe(int capability, string name) => Has(capability) switch
    {
        true => $"uid {Uid?.ToString(CultureInfo.InvariantCulture) ?? "?"}, {name} effective",
        false => $"uid {Uid?.ToString(CultureInfo.InvariantCulture) ?? "?"} without {name} (CapEff {Capabilities:x16} in {Source}); run as root or grant {name}",
        null => $"CapEff could not be read from {Source}",
    };
}
