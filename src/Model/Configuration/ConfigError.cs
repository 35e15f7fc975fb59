namespace GpuQos.Model.Configuration;

/// <summary>One problem in a configuration or scenario file, named by its path (e.g. <c>policies[2].objectives[0].min</c>).</summary>
/// <param name="Path">Path of the offending value; empty for the document itself.</param>
/// <param name="Message">What is wrong, in words a user can act on.</param>
/// <param name="Line">1-based line in the file, where known.</param>
public sealed record ConfigError(string Path, string Message, int? Line = null)
{
    /// <inheritdoc />
    public override string ToString()
    {
        var where = string.IsNullOrEmpty(Path) ? "(document)" : Path;
        return Line is { } line ? $"{where} (line {line}): {Message}" : $"{where}: {Message}";
    }
}

/// <summary>Thrown when a file has errors; carries all of them, not just the first.</summary>
public sealed class ConfigException : Exception
{
    public ConfigException(string source, IReadOnlyList<ConfigError> errors)
        : base($"{source}: {errors.Count} error(s):{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", errors))
    {
        Source = source;
        Errors = errors;
    }

    public ConfigException()
        : this("configuration", [])
    {
    }

    public ConfigException(string message)
        : base(message)
    {
        Source = "configuration";
        Errors = [];
    }

    public ConfigException(string message, Exception innerException)
        : base(message, innerException)
    {
        Source = "configuration";
        Errors = [];
    }

    /// <summary>The file (or resource) the errors are in.</summary>
    public new string Source { get; }

    /// <summary>Every error found.</summary>
    public IReadOnlyList<ConfigError> Errors { get; }
}
