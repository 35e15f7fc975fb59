namespace GpuQos.Model.Configuration.Binding;

/// <summary>An enum: its member names and their values, in declaration order.</summary>
public sealed class EnumShape : BindableShape
{
    /// <summary>The C# names of the members (<c>TimeSliced</c>); YAML spells them in kebab case.</summary>
    public required IReadOnlyList<string> Names { get; init; }

    /// <summary>The boxed values, one per name.</summary>
    public required IReadOnlyList<object> Values { get; init; }
}
