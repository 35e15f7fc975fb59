namespace GpuQos.Enforcer.Workload;

/// <summary>A workload metrics source could not be read; the objectives on it are unknown until it can.</summary>
public sealed class WorkloadReadException : Exception
{
    /// <summary>Creates the exception.</summary>
    public WorkloadReadException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public WorkloadReadException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>Creates the exception.</summary>
    public WorkloadReadException()
    {
    }
}
