namespace GpuQos.Enforcer.Journal;

/// <summary>
/// An entry could not be written to the action journal (disk full, file size limit, I/O error). Nothing was
/// journaled, so nothing may be applied: the enforcer refuses the action and tries again next cycle.
/// </summary>
public sealed class JournalWriteException : IOException
{
    /// <summary>Creates the exception for the journal at <paramref name="path"/>.</summary>
    public JournalWriteException(string path, Exception inner)
        : base($"the action journal {path} cannot be written ({inner?.Message}); not acting without it", inner)
    {
        Path = path;
    }

    /// <summary>The journal file.</summary>
    public string Path { get; }
}
