using System.ComponentModel.DataAnnotations;

namespace GpuQos.Model.Configuration.Binding;

/// <summary>One settable property of an options class, with the key it is bound from and its validation.</summary>
public sealed class BindableProperty
{
    /// <summary>The C# property name (what <see cref="ValidationResult.MemberNames"/> carry).</summary>
    public required string Name { get; init; }

    /// <summary>The YAML key: the camelCase name, or the <c>YamlMember</c> alias.</summary>
    public required string Key { get; init; }

    /// <summary>The declared type of the property.</summary>
    public required Type Type { get; init; }

    /// <summary>Reads the property of an instance.</summary>
    public required Func<object, object?> Get { get; init; }

    /// <summary>Writes the property of an instance (init-only setters included).</summary>
    public required Action<object, object?> Set { get; init; }

    /// <summary>Whether <c>key: null</c> is a value (a nullable value type or a nullable reference).</summary>
    public bool AcceptsNull { get; init; }

    /// <summary>Whether the value is a byte size (<see cref="ByteSizeAttribute"/>): <c>2GiB</c> as well as a number.</summary>
    public bool ByteSize { get; init; }

    /// <summary>The property's DataAnnotations attributes, made as the source declares them.</summary>
    public IReadOnlyList<ValidationAttribute> Validators { get; init; } = [];
}
