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

            // NVML changes the vGPU scheduler only while no VM runs on the GPU, and every objective can be breached on
            // a vGPU GPU only while a VM runs (a share, memory or co-tenants need one), so the action could never
            // take effect. A change applied later, once the VMs are gone, would come after the breach it answers was
            // over: the scheduler is configuration, not an enforcement action.
            if (Actions[i].Type == KnownPolicyTypes.Actions.VgpuScheduler && Objectives.All(o => KnownPolicyTypes.Objectives.All.Contains(o.Type)))
            {
                yield return new ValidationResult(
                    "vgpu-scheduler can never act in a policy: NVML changes the vGPU scheduler only while no VM runs, and these objectives are breached only while one does; set the scheduler while the GPU is idle (nvidia-smi vgpu --set-scheduler-state, or the configuration gpuqos advise emits)",
                    [$"actions[{i}].type"]);
            }

            // Ending processes is the answer to memory they hold, and to nothing else.
            if (Actions[i].Type == KnownPolicyTypes.Actions.Evict && Objectives.All(o => o.Type != KnownPolicyTypes.Objectives.MaxMemory))
            {
                yield return new ValidationResult("evict needs a max-memory objective in the same policy", [$"actions[{i}].type"]);
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
