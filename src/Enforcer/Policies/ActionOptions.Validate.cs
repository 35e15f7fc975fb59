using System.ComponentModel.DataAnnotations;
using static GpuQos.Enforcer.Policies.KnownPolicyTypes.Actions;

namespace GpuQos.Enforcer.Policies;

public sealed partial class ActionOptions : IValidatableObject
{
    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!All.Contains(Type))
        {
            yield return new ValidationResult($"unknown action type '{Type}' (known: {string.Join(", ", All)})", [nameof(Type)]);
            yield break;
        }

        // Each setting belongs to the types listed; setting it on another type is a mistake worth naming.
        var settings = new (string Name, bool IsSet, string[] Types)[]
        {
            (nameof(Tenants), Tenants.Count > 0, [Throttle, Freeze, Priority, MpsThreads, MpsMemoryLimit]),
            (nameof(Bytes), Bytes is not null, [MpsMemoryLimit]),
            (nameof(Grace), Grace is not null, [Evict]),
            (nameof(MaxEvictions), MaxEvictions is not null, [Evict]),
            (nameof(EvictionWindow), EvictionWindow is not null, [Evict]),
            (nameof(MinMhz), MinMhz is not null, [LockClocks]),
            (nameof(MaxMhz), MaxMhz is not null, [LockClocks]),
            (nameof(Watts), Watts is not null, [PowerLimit]),
            (nameof(Nice), Nice is not null, [Priority]),
            (nameof(Percentage), Percentage is not null, [MpsThreads]),
            (nameof(ComputeMode), ComputeMode is not null, [KnownPolicyTypes.Actions.ComputeMode]),
            (nameof(Scheduler), Scheduler is not null, [VgpuScheduler]),
            (nameof(Timeslice), Timeslice is not null, [VgpuScheduler]),
        };
        foreach (var (name, isSet, types) in settings)
        {
            if (isSet && !types.Contains(Type))
            {
                yield return new ValidationResult($"{Type} does not use {char.ToLowerInvariant(name[0]) + name[1..]}", [name]);
            }
        }

        switch (Type)
        {
            case LockClocks when MinMhz is null || MaxMhz is null:
                yield return new ValidationResult("lock-clocks needs minMhz and maxMhz", [MinMhz is null ? nameof(MinMhz) : nameof(MaxMhz)]);
                break;
            case LockClocks when MinMhz > MaxMhz:
                yield return new ValidationResult($"minMhz {MinMhz} is above maxMhz {MaxMhz}", [nameof(MinMhz)]);
                break;
            case PowerLimit when Watts is null:
                yield return new ValidationResult("power-limit needs watts", [nameof(Watts)]);
                break;
            case Priority when Nice is null:
                yield return new ValidationResult("priority needs nice (1..19)", [nameof(Nice)]);
                break;
            case MpsThreads when Percentage is null:
                yield return new ValidationResult("mps-threads needs percentage (1..100)", [nameof(Percentage)]);
                break;
            case MpsMemoryLimit when Bytes is null:
                yield return new ValidationResult("mps-memory-limit needs bytes (e.g. 8GiB)", [nameof(Bytes)]);
                break;
            case Evict when Grace is { } g && (g < TimeSpan.Zero || g > TimeSpan.FromMinutes(10)):
                yield return new ValidationResult("grace must be between 0 and 10m", [nameof(Grace)]);
                break;
            case Evict when EvictionWindow is { } w && w <= TimeSpan.Zero:
                yield return new ValidationResult("evictionWindow must be positive", [nameof(EvictionWindow)]);
                break;
            case KnownPolicyTypes.Actions.ComputeMode when ComputeMode is null:
                yield return new ValidationResult("compute-mode needs computeMode", [nameof(ComputeMode)]);
                break;
            case VgpuScheduler when Scheduler is null or Model.Devices.VgpuSchedulerPolicy.Unknown:
                yield return new ValidationResult("vgpu-scheduler needs scheduler (best-effort, equal-share or fixed-share)", [nameof(Scheduler)]);
                break;
            case VgpuScheduler when Timeslice is { } t && (t < TimeSpan.Zero || t > TimeSpan.FromSeconds(1)):
                yield return new ValidationResult("timeslice must be between 0 and 1s", [nameof(Timeslice)]);
                break;
            default:
                break;
        }
    }
}
