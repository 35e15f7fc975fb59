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

        // The configuration may say where the MPS control program is, never which program runs: a file of another
        // name would make the daemon (root) run whatever the path names.
        if (!string.Equals(Path.GetFileName(ControlBinary), MpsOptionsDefaults.ControlBinaryName, StringComparison.Ordinal))
        {
            yield return new ValidationResult($"controlBinary '{ControlBinary}' must name the MPS control program, {MpsOptionsDefaults.ControlBinaryName}", [nameof(ControlBinary)]);
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
