using System.Collections;

namespace GpuQos.Model.Configuration.Binding;

/// <summary>A dictionary keyed by string: bound from a YAML mapping whose keys are not property names.</summary>
public sealed class DictionaryShape : BindableShape
{
    /// <summary>The value type.</summary>
    public required Type ValueType { get; init; }

    /// <summary>Makes an empty <see cref="Dictionary{TKey, TValue}"/> with string keys.</summary>
    public required Func<IDictionary> Create { get; init; }
}
