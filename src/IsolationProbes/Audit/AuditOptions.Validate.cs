using System.ComponentModel.DataAnnotations;
using Cronos;
using GpuQos.IsolationProbes.Worker;

namespace GpuQos.IsolationProbes.Audit;

/// <summary>Cross-field rules of <see cref="AuditOptions"/>.</summary>
public sealed partial class AuditOptions : IValidatableObject
{
    /// <summary>The parsed cron expression, or null.</summary>
    public CronExpression? ParsedCron() => Cron is null ? null : CronExpression.Parse(Cron, CronFormat.Standard);

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(WorkerUser) || WorkerUser is "root" or "0" || WorkerUser.Any(c => char.IsWhiteSpace(c) || c is ':' or '/'))
        {
            yield return new ValidationResult($"'{WorkerUser}' must name an unprivileged user (not root), e.g. nobody", [nameof(WorkerUser)]);
        }

        if (WorkerPath is not null && WorkerPathProblem(WorkerPath) is { } workerPath)
        {
            yield return new ValidationResult(workerPath, [nameof(WorkerPath)]);
        }

        if (Interval is not null && Cron is not null)
        {
            yield return new ValidationResult("set interval or cron, not both", [nameof(Cron)]);
        }

        if (Enabled && Interval is null && Cron is null)
        {
            yield return new ValidationResult("scheduled audits need an interval or a cron expression", [nameof(Interval)]);
        }

        if (Interval is { } interval && interval < TimeSpan.FromSeconds(10))
        {
            yield return new ValidationResult("must be at least 10s: an audit keeps the GPU busy", [nameof(Interval)]);
        }

        if (Cron is not null)
        {
            string? error = null;
            try
            {
                CronExpression.Parse(Cron, CronFormat.Standard);
            }
            catch (CronFormatException ex)
            {
                error = $"'{Cron}' is not a five-field cron expression: {ex.Message}";
            }

            if (error is not null)
            {
                yield return new ValidationResult(error, [nameof(Cron)]);
            }
        }

        if (Probes.Count == 0)
        {
            yield return new ValidationResult("must name at least one probe", [nameof(Probes)]);
        }

        if (WorkerTimeout < TimeSpan.FromSeconds(1))
        {
            yield return new ValidationResult("must be at least 1s", [nameof(WorkerTimeout)]);
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < CpuPartitions.Count; i++)
        {
            if (!names.Add(CpuPartitions[i].Name))
            {
                yield return new ValidationResult($"partition '{CpuPartitions[i].Name}' is defined twice", [$"cpuPartitions[{i}].name"]);
            }
        }
    }

    // The daemon starts workers from its own working directory, which is not the operator's: only an absolute
    // path means the same file to both.
    private static string? WorkerPathProblem(string path) => !Path.IsPathFullyQualified(path)
        ? $"'{path}' must be an absolute path to the gpuqos-probe executable"
        : WorkerLaunch.Resolve(path).Problem();
}
