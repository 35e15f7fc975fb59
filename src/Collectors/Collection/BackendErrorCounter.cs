using System.Collections.Concurrent;

namespace GpuQos.Collectors.Collection;

/// <summary>Counts backend errors by function and code, for <c>gpuqos_nvml_errors_total{function,code}</c>.</summary>
public sealed class BackendErrorCounter
{
    private readonly ConcurrentDictionary<(string Function, string Code), long> _counts = new();

    /// <summary>Counts one error.</summary>
    public void Count(string function, string code) => _counts.AddOrUpdate((function, code), 1, (_, n) => n + 1);

    /// <summary>Every (function, code) seen, with its count.</summary>
    public IEnumerable<KeyValuePair<(string Function, string Code), long>> Counts => _counts;
}
