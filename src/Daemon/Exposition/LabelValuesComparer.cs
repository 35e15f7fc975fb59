namespace GpuQos.Daemon.Exposition;

/// <summary>
/// Compares label-value arrays by content, and looks them up by a span of label values, so that writing a
/// sample whose series already exists finds it without building a key or copying the labels.
/// </summary>
internal sealed class LabelValuesComparer : IEqualityComparer<string[]>, IAlternateEqualityComparer<ReadOnlySpan<string>, string[]>
{
    public static LabelValuesComparer Instance { get; } = new();

    public bool Equals(string[]? x, string[]? y) => ReferenceEquals(x, y) || (x is not null && y is not null && x.AsSpan().SequenceEqual(y));

    public int GetHashCode(string[] obj) => Hash(obj);

    public bool Equals(ReadOnlySpan<string> alternate, string[] other) => alternate.SequenceEqual(other);

    public int GetHashCode(ReadOnlySpan<string> alternate) => Hash(alternate);

    public string[] Create(ReadOnlySpan<string> alternate) => alternate.ToArray();

    private static int Hash(ReadOnlySpan<string> values)
    {
        var hash = new HashCode();
        foreach (var value in values)
        {
            hash.Add(value, StringComparer.Ordinal);
        }

        return hash.ToHashCode();
    }
}
