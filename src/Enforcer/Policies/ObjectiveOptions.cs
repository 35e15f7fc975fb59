using System.ComponentModel.DataAnnotations;
using GpuQos.Model.Configuration;

namespace GpuQos.Enforcer.Policies;

/// <summary>One objective of a policy: a type, its target, and the window it is evaluated over.</summary>
public sealed partial class ObjectiveOptions : IValidatableObject
{
    /// <summary>One of <see cref="KnownPolicyTypes.Objectives"/>.</summary>
    [Required]
    public string Type { get; init; } = "";

    /// <summary>Target share of the GPU's SM time (0..1), for <c>min-sm-share</c> and <c>max-sm-share</c>.</summary>
    public double? Share { get; init; }

    /// <summary>Memory ceiling, for <c>max-memory</c> (<c>8GiB</c>).</summary>
    [ByteSize]
    public long? Bytes { get; init; }

    /// <summary>Most other tenants allowed on the tenant's partition, for <c>max-co-tenants</c>.</summary>
    public int? Count { get; init; }

    /// <summary>The window the value is taken over: SM shares are averaged, memory and co-tenants take the maximum.</summary>
    public TimeSpan Window { get; init; } = PolicyOptionsDefaults.ObjectiveWindow;

    /// <summary>For <c>min-sm-share</c>: the tenant has demand while its share is at least this.</summary>
    [Range(0.0, 1.0)]
    public double DemandThreshold { get; init; } = PolicyOptionsDefaults.DemandThreshold;

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Window <= TimeSpan.Zero || Window > TimeSpan.FromHours(1))
        {
            yield return new ValidationResult("window must be between 1ms and 1h", [nameof(Window)]);
        }

        // Latency and throughput objectives, and the fields only they use (ObjectiveOptions.Workload.cs).
        foreach (var r in ValidateWorkload())
        {
            yield return r;
        }

        switch (Type)
        {
            case KnownPolicyTypes.Objectives.MinSmShare or KnownPolicyTypes.Objectives.MaxSmShare:
                if (Share is not { } s)
                {
                    yield return new ValidationResult($"{Type} needs share (0..1)", [nameof(Share)]);
                }
                else if (!(s is > 0 and <= 1))
                {
                    yield return new ValidationResult($"share must be in (0, 1], got {s}", [nameof(Share)]);
                }

                foreach (var r in Unused(nameof(Bytes), Bytes, nameof(Count), Count))
                {
                    yield return r;
                }

                break;
            case KnownPolicyTypes.Objectives.MaxMemory:
                if (Bytes is not > 0)
                {
                    yield return new ValidationResult("max-memory needs bytes (e.g. 8GiB)", [nameof(Bytes)]);
                }

                foreach (var r in Unused(nameof(Share), Share, nameof(Count), Count))
                {
                    yield return r;
                }

                break;
            case KnownPolicyTypes.Objectives.MaxCoTenants:
                if (Count is not >= 0)
                {
                    yield return new ValidationResult("max-co-tenants needs count (0 or more)", [nameof(Count)]);
                }

                foreach (var r in Unused(nameof(Share), Share, nameof(Bytes), Bytes))
                {
                    yield return r;
                }

                break;
            case KnownPolicyTypes.Objectives.Latency or KnownPolicyTypes.Objectives.Throughput:
                break;
            default:
                yield return new ValidationResult($"unknown objective type '{Type}' (known: {string.Join(", ", KnownPolicyTypes.Objectives.All)})", [nameof(Type)]);
                break;
        }
    }

    private IEnumerable<ValidationResult> Unused(string name1, object? value1, string name2, object? value2)
    {
        if (value1 is not null)
        {
            yield return new ValidationResult($"{Type} does not use {char.ToLowerInvariant(name1[0]) + name1[1..]}", [name1]);
        }

        if (value2 is not null)
        {
            yield return new ValidationResult($"{Type} does not use {char.ToLowerInvariant(name2[0]) + name2[1..]}", [name2]);
        }
    }
}
