using System.Collections.Generic;

namespace GpuQos.ConfigurationGenerator;

/// <summary>One type the binder binds, as the generator found it; each kind is written by <see cref="ShapeEmitter"/>.</summary>
internal abstract record ShapeModel(string TypeName);

/// <summary>An options class and its bindable properties.</summary>
internal sealed record ObjectModel(string TypeName, List<PropertyModel> Properties) : ShapeModel(TypeName);

/// <summary>A list, enumerable or array of <paramref name="ElementName"/>.</summary>
internal sealed record CollectionModel(string TypeName, string ElementName, bool IsArray) : ShapeModel(TypeName);

/// <summary>A dictionary from string to <paramref name="ValueName"/>.</summary>
internal sealed record DictionaryModel(string TypeName, string ValueName) : ShapeModel(TypeName);

/// <summary>An enum and its member names, in the order Enum.GetNames gives them.</summary>
internal sealed record EnumModel(string TypeName, List<string> Names) : ShapeModel(TypeName);

/// <summary>
/// One property: its key, declared type, owner, validation attributes (as <c>new</c> expressions), and whether its
/// accessors can be called directly or need an <c>UnsafeAccessor</c> (init-only or non-public setters).
/// </summary>
internal sealed record PropertyModel(
    string Name, string Key, string TypeName, string OwnerName, bool AcceptsNull, bool ByteSize,
    List<string> Validators, bool DirectGet, bool DirectSet);
