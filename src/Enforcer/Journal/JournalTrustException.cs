namespace GpuQos.Enforcer.Journal;

/// <summary>A journal (or its key) failed the trust rules of <see cref="JournalTrust"/>: nothing in it is replayed.</summary>
public sealed class JournalTrustException : IOException
{
    /// <summary>Creates the exception.</summary>
    public JournalTrustException(string path, string reason)
        : base($"the action journal {path} is not trusted: {reason}")
    {
        Path = path;
        Reason = reason;
    }

    /// <summary>The file refused.</summary>
    public string Path { get; }

    /// <summary>Why, in words.</summary>
    public string Reason { get; }
}
