namespace GpuQos.Model.Configuration.Binding;

/// <summary>
/// What the configuration binder knows about one type it binds, written at compile time by the binding generator
/// (src/ConfigurationGenerator) so that binding needs no reflection and the published gpuqos keeps only what it uses.
/// </summary>
public abstract class BindableShape
{
    /// <summary>The type this shape binds.</summary>
    public required Type Type { get; init; }
}
