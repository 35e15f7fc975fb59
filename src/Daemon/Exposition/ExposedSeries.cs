namespace GpuQos.Daemon.Exposition;

/// <summary>
/// One series of a family the exporter owns: its label values, its sample line up to the value as UTF-8 (encoded
/// once, when the series appears), its latest value, and the cycle that last wrote it.
/// </summary>
internal sealed class ExposedSeries(string[] labels, byte[] prefix)
{
    public string[] Labels { get; } = labels;

    /// <summary>The name, the escaped labels and the space before the value (<see cref="ExpositionText.SeriesPrefix"/>).</summary>
    public byte[] Prefix { get; } = prefix;

    public double Value { get; set; }

    public long Cycle { get; set; }

    /// <summary>Where it was written in the latest cycle that wrote it, in its family's order; -1 before.</summary>
    public int Position { get; set; } = -1;
}
