using System.Globalization;
using GpuQos.Model.Metrics;

namespace GpuQos.Daemon.Exposition;

/// <summary>Whether a dcgm-exporter series is per GPU or per MIG GPU instance.</summary>
public enum DcgmCompatScope
{
    Gpu,
    MigInstance,
}

/// <summary>
/// One dcgm-exporter field, and how it is derived from a GpuQos family: <c>(From − Minus) × Scale</c>, over the
/// samples whose <see cref="WhereLabel"/> equals <see cref="WhereValue"/>.
/// </summary>
public sealed record DcgmCompatField(
    string Name,
    MetricType Type,
    string Unit,
    MetricDefinition From,
    double Scale,
    DcgmCompatScope Scope,
    string? WhereLabel = null,
    string? WhereValue = null,
    MetricDefinition? Minus = null)
{
    /// <summary>dcgm-exporter's labels: the device's, then the MIG instance's, then Kubernetes'.</summary>
    public static IReadOnlyList<string> Labels { get; } =
        ["gpu", "UUID", "pci_bus_id", "device", "modelName", "Hostname", "GPU_I_ID", "GPU_I_PROFILE", "container", "namespace", "pod"];

    /// <summary>The definition written to the exporters (not a <c>gpuqos_</c> name, by design).</summary>
    public MetricDefinition Definition { get; } =
        new(Name, Type, $"dcgm-exporter compatible {Name} ({Unit}), from {From.Name}.", Labels, "GpuQos " + From.Name);

    /// <summary>The derivation, as the mapping table in docs/metrics.md spells it.</summary>
    public string Derivation
    {
        get
        {
            var selector = WhereLabel is null ? From.Name : $"{From.Name}{{{WhereLabel}=\"{WhereValue}\"}}";
            var operand = Minus is null ? $"`{selector}`" : $"(`{selector}` − `{Minus.Name}`)";
            return Scale switch
            {
                1 => operand,
                > 1 => $"{operand} × {Scale.ToString("0.###", CultureInfo.InvariantCulture)}",
                _ => $"{operand} ÷ {(1 / Scale).ToString("0.###", CultureInfo.InvariantCulture)}",
            };
        }
    }

    /// <summary>Whether a source sample (labels in <see cref="From"/>'s order) feeds this field.</summary>
    public bool Matches(MetricDefinition metric, IReadOnlyList<string> labels)
    {
        if (!ReferenceEquals(metric, From) && metric.Name != From.Name)
        {
            return false;
        }

        if (WhereLabel is null)
        {
            return true;
        }

        var index = IndexOf(metric, WhereLabel);
        return index >= 0 && labels[index] == WhereValue;
    }

    /// <summary>The position of a label in a definition's label list, or -1.</summary>
    public static int IndexOf(MetricDefinition metric, string label)
    {
        for (var i = 0; i < metric.Labels.Count; i++)
        {
            if (metric.Labels[i] == label)
            {
                return i;
            }
        }

        return -1;
    }
}
