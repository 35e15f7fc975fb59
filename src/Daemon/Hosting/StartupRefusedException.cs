namespace GpuQos.Daemon.Hosting;

/// <summary>The daemon must not start as configured (an unsafe file mode, an unreadable token); the message says why.</summary>
public sealed class StartupRefusedException : Exception
{
    public StartupRefusedException(string message)
        : base(message)
    {
    }

    public StartupRefusedException()
        : this("the daemon refused to start")
    {
    }

    public StartupRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
