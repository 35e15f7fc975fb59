using System.Collections.Concurrent;

namespace GpuQos.Model.Configuration.Binding;

/// <summary>
/// Every type the configuration binder can bind in this process. Each assembly that calls
/// <see cref="YamlBinder.Load{T}"/> or <see cref="YamlBinder.Bind{T}"/> registers, from a module initializer written
/// by the binding generator, the shapes of every type reachable from its type arguments. A type two assemblies both
/// reach is registered once; the shapes are the same, being made from the same declarations.
/// </summary>
public static class BindingRegistry
{
    private static readonly ConcurrentDictionary<Type, BindableShape> Shapes = new();

    /// <summary>Adds shapes; called by generated code.</summary>
    public static void Register(params ReadOnlySpan<BindableShape> shapes)
    {
        foreach (var shape in shapes)
        {
            Shapes.TryAdd(shape.Type, shape);
        }
    }

    /// <summary>The shape of <paramref name="type"/>, or null when no assembly registered it.</summary>
    public static BindableShape? Find(Type type) => Shapes.GetValueOrDefault(type);

    /// <summary>The shape of <paramref name="type"/>; throws when it was not generated.</summary>
    public static T Get<T>(Type type)
        where T : BindableShape =>
        Find(type) as T ?? throw new InvalidOperationException(
            $"{type} has no generated binding: bind it through YamlBinder.Load<T> or Bind<T> with a type argument the binding generator can see, in an assembly that references it as an analyzer");
}
