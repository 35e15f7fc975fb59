using System.ComponentModel.DataAnnotations;

namespace GpuQos.IsolationProbes.Audit;

/// <summary>One victim/aggressor pairing, by partition name or tenant name.</summary>
public sealed class AuditPairOptions
{
    /// <summary>Partition or tenant that plays the victim.</summary>
    [Required]
    public string Victim { get; init; } = "";

    /// <summary>Partition or tenant that plays the aggressor.</summary>
    [Required]
    public string Aggressor { get; init; } = "";
}
