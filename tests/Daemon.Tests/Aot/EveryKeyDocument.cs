using System.Reflection;
using System.Text;
using GpuQos.Model.Configuration;

namespace GpuQos.Daemon.Tests.Aot;

/// <summary>
/// A YAML document that sets every key of an options class, and every key of the classes below it, with a value of
/// the right type, found by reflection over the options classes (under the JIT, in the test): not from the binding
/// generator's shapes, so a property the generator missed or the trimmer dropped shows as an unknown key.
/// </summary>
internal static class EveryKeyDocument
{
    /// <summary>The document, and how many keys it sets.</summary>
    public static (string Yaml, int Keys) For(Type root)
    {
        var sb = new StringBuilder();
        var keys = WriteObject(sb, root, 0, [root]);
        return (sb.ToString(), keys);
    }

    private static int WriteObject(StringBuilder sb, Type type, int indent, HashSet<Type> path)
    {
        var keys = 0;
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite && p.GetIndexParameters().Length == 0))
        {
            var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (path.Contains(propertyType))
            {
                continue;
            }

            sb.Append(' ', indent).Append(YamlBinder.KeyOf(property)).Append(':');
            keys += 1 + WriteValue(sb, propertyType, indent, path);
        }

        return keys;
    }

    private static int WriteValue(StringBuilder sb, Type type, int indent, HashSet<Type> path)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (Scalar(type) is { } scalar)
        {
            sb.Append(' ').Append(scalar).Append('\n');
            return 0;
        }

        var pad = new string(' ', indent + 2);
        var definition = type.IsGenericType ? type.GetGenericTypeDefinition() : null;
        if (definition == typeof(Dictionary<,>) || definition == typeof(IDictionary<,>) || definition == typeof(IReadOnlyDictionary<,>))
        {
            sb.Append('\n').Append(pad).Append("k:");
            return WriteValue(sb, type.GetGenericArguments()[1], indent + 2, path);
        }

        var element = type.IsArray ? type.GetElementType()
            : definition == typeof(List<>) || definition == typeof(IList<>) || definition == typeof(IReadOnlyList<>)
                || definition == typeof(IEnumerable<>) || definition == typeof(IReadOnlyCollection<>) ? type.GetGenericArguments()[0]
            : null;
        if (element is not null)
        {
            sb.Append('\n').Append(pad).Append('-');
            if (Scalar(Nullable.GetUnderlyingType(element) ?? element) is { } item)
            {
                sb.Append(' ').Append(item).Append('\n');
                return 0;
            }

            sb.Append('\n');
            return WriteObject(sb, element, indent + 4, [.. path, element]);
        }

        sb.Append('\n');
        return WriteObject(sb, type, indent + 2, [.. path, type]);
    }

    private static string? Scalar(Type type) =>
        type == typeof(string) ? "x"
        : type == typeof(bool) ? "true"
        : type == typeof(TimeSpan) ? "1s"
        : type == typeof(DateTimeOffset) ? "2026-01-01T00:00:00Z"
        : type == typeof(double) || type == typeof(float) || type == typeof(decimal) ? "0.5"
        : type.IsEnum ? YamlBinder.Kebab(Enum.GetNames(type)[^1])
        : type.IsPrimitive ? "1"
        : null;
}
