namespace GpuQos.Advisor.Readers;

/// <summary>One sample of an instant-vector result: its labels and value.</summary>
public sealed record PromSample(IReadOnlyDictionary<string, string> Labels, double Value)
{
    public string Label(string name) => Labels.TryGetValue(name, out var v) ? v : "";
}
