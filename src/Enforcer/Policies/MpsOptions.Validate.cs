using System.ComponentModel.DataAnnotations;

namespace GpuQos.Enforcer.Policies;

public sealed partial class MpsOptions : IValidatableObject
{
    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // A relative path would be resolved against whatever directory the daemon runs in, or PATH: not a binary the
        // operator chose.
        if (!Path.IsPathFullyQualified(ControlBinary))
        {
            yield return new ValidationResult($"controlBinary '{ControlBinary}' must be an absolute path", [nameof(ControlBinary)]);
        }

        if (!Path.IsPathFullyQualified(PipeDirectory))
        {
            yield return new ValidationResult($"pipeDirectory '{PipeDirectory}' must be an absolute path", [nameof(PipeDirectory)]);
        }

        if (Timeout <= TimeSpan.Zero || Timeout > TimeSpan.FromMinutes(1))
        {
            yield return new ValidationResult("timeout must be between 0 and 1m", [nameof(Timeout)]);
        }
    }
}
