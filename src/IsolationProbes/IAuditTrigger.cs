namespace GpuQos.IsolationProbes;

/// <summary>Starts an isolation audit on demand (a token-protected HTTP endpoint).</summary>
public interface IAuditTrigger
{
    /// <summary>True while an audit runs.</summary>
    bool Running { get; }

    /// <summary>Starts an audit unless one is running; returns false when one already is.</summary>
    bool TryStart();
}
