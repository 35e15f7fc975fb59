namespace GpuQos.Model.Configuration.Binding;

/// <summary>An options class: made with its parameterless constructor, bound key by key.</summary>
public sealed class ObjectShape : BindableShape
{
    /// <summary>Makes an instance holding every default.</summary>
    public required Func<object> Create { get; init; }

    /// <summary>The properties a YAML key may set, in declaration order.</summary>
    public required IReadOnlyList<BindableProperty> Properties { get; init; }
}
