using System.Collections;

namespace GpuQos.Model.Configuration.Binding;

/// <summary>A list, read-only list, enumerable or array of one element type: bound from a YAML sequence.</summary>
public sealed class CollectionShape : BindableShape
{
    /// <summary>The element type.</summary>
    public required Type ElementType { get; init; }

    /// <summary>Makes an empty <see cref="List{T}"/> of the element type.</summary>
    public required Func<IList> CreateList { get; init; }

    /// <summary>For an array property, copies the bound list into an array; null when the list itself is assignable.</summary>
    public Func<IList, object>? ToArray { get; init; }
}
