namespace GpuQos.Enforcer.Workload;

/// <summary>Reads one kind of workload metrics source (<see cref="WorkloadSource.Kind"/>).</summary>
public interface IWorkloadSourceReader
{
    /// <summary><see cref="WorkloadSource.Scrape"/> or <see cref="WorkloadSource.Prometheus"/>.</summary>
    string Kind { get; }

    /// <summary>Reads the source once, keeping the samples whose name <paramref name="keep"/> accepts.</summary>
    /// <exception cref="WorkloadReadException">The source could not be read; the message says why.</exception>
    Task<IReadOnlyList<ExposedSample>> ReadAsync(WorkloadSource source, Func<string, bool> keep, CancellationToken ct);
}
