using System.ComponentModel.DataAnnotations;

namespace GpuQos.Enforcer.Policies;

public sealed partial class PolicyOptions : IValidatableObject
{
    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Objectives.Count == 0)
        {
            yield return new ValidationResult("a policy needs at least one objective", [nameof(Objectives)]);
        }

        if (For < TimeSpan.Zero || For > TimeSpan.FromHours(1))
        {
            yield return new ValidationResult("for must be between 0s and 1h", [nameof(For)]);
        }

        // 1 would leave no error budget to burn; the burn-rate alerts divide by 1 - slo.
        if (!(Slo > 0 && Slo < 1))
        {
            yield return new ValidationResult($"slo must be between 0 and 1, both excluded (0.99 is 99% of the time out of breach); got {Slo}", [nameof(Slo)]);
        }

        if (Cooldown < TimeSpan.Zero || Cooldown > TimeSpan.FromDays(1))
        {
            yield return new ValidationResult("cooldown must be between 0s and 1d", [nameof(Cooldown)]);
        }

        for (var i = 0; i < Gpus.Count; i++)
        {
            if (Gpus[i] < 0)
            {
                yield return new ValidationResult("a GPU index cannot be negative", [$"gpus[{i}]"]);
            }
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Actions.Count; i++)
        {
            if (!seen.Add(Actions[i].Type))
            {
                yield return new ValidationResult($"action '{Actions[i].Type}' is listed twice; one of each type per policy", [$"actions[{i}].type"]);
            }
        }

        var floor = Objectives.FirstOrDefault(o => o.Type == KnownPolicyTypes.Objectives.MinSmShare)?.Share;
        var ceiling = Objectives.FirstOrDefault(o => o.Type == KnownPolicyTypes.Objectives.MaxSmShare)?.Share;
        if (floor is { } f && ceiling is { } c && f > c)
        {
            yield return new ValidationResult($"the guaranteed share {f} is above the maximum share {c}", [nameof(Objectives)]);
        }
    }
}
