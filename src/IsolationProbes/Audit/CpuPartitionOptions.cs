using System.ComponentModel.DataAnnotations;
using GpuQos.Model.Configuration;

namespace GpuQos.IsolationProbes.Audit;

/// <summary>A CPU "partition" for the CPU accelerator: a set of cores and an address-space budget.</summary>
public sealed class CpuPartitionOptions : IValidatableObject
{
    /// <summary>Partition name (the <c>victim</c>/<c>aggressor</c> label).</summary>
    [Required]
    public string Name { get; init; } = "";

    /// <summary>Cores the partition's workers are pinned to.</summary>
    public List<int> Cores { get; init; } = [];

    /// <summary>Address space a worker may add (RLIMIT_AS); the capacity probe must find this limit.</summary>
    [ByteSize]
    public long MemoryLimit { get; init; } = AuditOptionsDefaults.CpuPartitionMemoryBytes;

    /// <summary>Tenant that owns the partition, for per-tenant pairing. Default: the partition's name.</summary>
    public string? Tenant { get; init; }

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Cores.Count == 0)
        {
            yield return new ValidationResult("must list at least one core", [nameof(Cores)]);
        }

        for (var i = 0; i < Cores.Count; i++)
        {
            if (Cores[i] is < 0 or >= 1024)
            {
                yield return new ValidationResult($"core {Cores[i]} is not in 0..1023", [$"cores[{i}]"]);
            }
        }

        if (MemoryLimit < 16L << 20)
        {
            yield return new ValidationResult("must be at least 16MiB", [nameof(MemoryLimit)]);
        }
    }
}
