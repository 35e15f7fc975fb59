using System.Collections;
using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Reflection;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using YamlDotNet.Serialization;

namespace GpuQos.Model.Configuration;

/// <summary>
/// Binds a YAML document to options classes and validates them, collecting every error with its path
/// (<c>policies[2].objectives[0].min</c>) and line instead of stopping at the first. Keys are the
/// camelCase property names, or a <see cref="YamlMemberAttribute"/> alias. Unknown keys are errors, so a
/// typo never silently falls back to a default. Properties are validated with DataAnnotations and
/// <see cref="IValidatableObject"/>, recursively.
/// </summary>
public static class YamlBinder
{
    // The binder reads options classes by reflection: their properties, attributes and parameterless constructors,
    // and it makes List<T>, Dictionary<string, T> and arrays of their element types. The published gpuqos roots
    // the project's assemblies (TrimmerRootAssembly in src/Daemon), so every options class keeps its members, and
    // each collection type of an options property is instantiated by that property's initializer; reference-type
    // elements share one compiled List<T>. tests/Daemon.Tests/Aot loads every configuration kind with the
    // published binary.
    private const string OptionsAreRooted = "Options classes are rooted in the published binary; see the comment on YamlBinder.";

    /// <summary>Binds and validates, throwing <see cref="ConfigException"/> with every error.</summary>
    public static T Load<T>(string yaml, string source)
        where T : class, new()
    {
        var (value, errors) = Bind<T>(yaml);
        return errors.Count > 0 || value is null ? throw new ConfigException(source, errors) : value;
    }

    /// <summary>Binds and validates; returns the value (null when the document is not even YAML) and every error.</summary>
    public static (T? Value, IReadOnlyList<ConfigError> Errors) Bind<T>(string yaml)
        where T : class, new()
    {
        var errors = new List<ConfigError>();
        var lines = new Dictionary<string, int>(StringComparer.Ordinal);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            errors.Add(new ConfigError("", "not valid YAML: " + (ex.InnerException?.Message ?? ex.Message), (int)ex.Start.Line));
            return (null, errors);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or InvalidCastException or KeyNotFoundException)
        {
            // YamlDotNet's scanner and parser throw these, not YamlException, on some malformed input
            // (an unclosed flow sequence at the end, a tag in an odd place); fuzzing found each of them.
            errors.Add(new ConfigError("", "not valid YAML: " + ex.Message, LastLine(yaml)));
            return (null, errors);
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" or "~" or "null" })
        {
            var empty = new T();
            Validate(empty, "", errors, lines);
            return (empty, errors);
        }

        var context = new BindContext(errors, lines);
        var result = (T?)context.BindValue(stream.Documents[0].RootNode, typeof(T), "");
        if (result is not null)
        {
            Validate(result, "", errors, lines);
        }

        return (result, errors);
    }

    /// <summary>The YAML key a property is bound from.</summary>
    public static string KeyOf(PropertyInfo property)
    {
        var alias = property.GetCustomAttribute<YamlMemberAttribute>()?.Alias;
        return alias ?? char.ToLowerInvariant(property.Name[0]) + property.Name[1..];
    }

    private static int LastLine(string text) => text.Count(c => c == '\n') + 1;

    private static string Join(string path, string key) => path.Length == 0 ? key : path + "." + key;

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = OptionsAreRooted)]
    private static void Validate(object value, string path, List<ConfigError> errors, Dictionary<string, int> lines)
    {
        var type = value.GetType();
        if (IsScalar(type))
        {
            return;
        }

        if (value is IDictionary dictionary)
        {
            foreach (DictionaryEntry entry in dictionary)
            {
                if (entry.Value is not null)
                {
                    Validate(entry.Value, Join(path, Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? ""), errors, lines);
                }
            }

            return;
        }

        if (value is IEnumerable list and not string)
        {
            var i = 0;
            foreach (var item in list)
            {
                if (item is not null)
                {
                    Validate(item, $"{path}[{i}]", errors, lines);
                }

                i++;
            }

            return;
        }

        var properties = BindableProperties(type);
        foreach (var property in properties)
        {
            var propertyPath = Join(path, KeyOf(property));
            var propertyValue = property.GetValue(value);
            var results = new List<ValidationResult>();
            var context = new ValidationContext(value) { MemberName = property.Name, DisplayName = KeyOf(property) };
            if (!Validator.TryValidateProperty(propertyValue, context, results))
            {
                foreach (var r in results)
                {
                    errors.Add(new ConfigError(propertyPath, r.ErrorMessage ?? "invalid", LineOf(lines, propertyPath, path)));
                }
            }

            if (propertyValue is not null)
            {
                Validate(propertyValue, propertyPath, errors, lines);
            }
        }

        if (value is IValidatableObject validatable)
        {
            foreach (var r in validatable.Validate(new ValidationContext(value)))
            {
                var members = r.MemberNames.ToList();
                if (members.Count == 0)
                {
                    errors.Add(new ConfigError(path, r.ErrorMessage ?? "invalid", LineOf(lines, path, path)));
                    continue;
                }

                foreach (var member in members)
                {
                    // Members may name a property (mapped to its key) or carry a sub-path such as "actions[1].type".
                    var property = properties.FirstOrDefault(p => p.Name == member);
                    var memberPath = Join(path, property is null ? member : KeyOf(property));
                    errors.Add(new ConfigError(memberPath, r.ErrorMessage ?? "invalid", LineOf(lines, memberPath, path)));
                }
            }
        }
    }

    private static int? LineOf(Dictionary<string, int> lines, string path, string fallback) =>
        lines.TryGetValue(path, out var line) ? line : lines.TryGetValue(fallback, out var l2) ? l2 : null;

    internal static bool IsScalar(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal)
            || type == typeof(TimeSpan) || type == typeof(DateTimeOffset);
    }

    [UnconditionalSuppressMessage("Trimming", "IL2070", Justification = OptionsAreRooted)]
    internal static PropertyInfo[] BindableProperties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && p.GetCustomAttribute<YamlIgnoreAttribute>() is null && p.GetIndexParameters().Length == 0)
            .ToArray();

    private sealed class BindContext(List<ConfigError> errors, Dictionary<string, int> lines)
    {
        public object? BindValue(YamlNode node, Type type, string path)
        {
            lines.TryAdd(path, (int)node.Start.Line);
            var underlying = Nullable.GetUnderlyingType(type);
            if (node is YamlScalarNode { Value: null or "~" or "null" } && (underlying is not null || !type.IsValueType))
            {
                return null;
            }

            type = underlying ?? type;
            if (IsScalar(type))
            {
                return BindScalar(node, type, path);
            }

            if (type.IsGenericType && type.GetGenericTypeDefinition() is var def
                && (def == typeof(Dictionary<,>) || def == typeof(IReadOnlyDictionary<,>) || def == typeof(IDictionary<,>)))
            {
                return BindDictionary(node, type.GetGenericArguments()[1], path);
            }

            var elementType = ElementType(type);
            if (elementType is not null)
            {
                return BindList(node, type, elementType, path);
            }

            return BindObject(node, type, path);
        }

        private object? BindScalar(YamlNode node, Type type, string path)
        {
            if (node is not YamlScalarNode scalar)
            {
                errors.Add(new ConfigError(path, $"expected {Describe(type)}, got a {(node is YamlSequenceNode ? "list" : "mapping")}", (int)node.Start.Line));
                return null;
            }

            var text = scalar.Value ?? "";
            var line = (int)node.Start.Line;
            object? value = null;
            var ok = true;
            if (type == typeof(string))
            {
                value = text;
            }
            else if (type == typeof(bool))
            {
                ok = bool.TryParse(text, out var b);
                value = b;
            }
            else if (type == typeof(TimeSpan))
            {
                ok = Units.TryParseDuration(text, out var d);
                value = d;
            }
            else if (type.IsEnum)
            {
                var normalized = Normalize(text);
                var match = Enum.GetNames(type).FirstOrDefault(n => Normalize(n) == normalized);
                if (match is null)
                {
                    errors.Add(new ConfigError(path, $"'{text}' is not one of: {string.Join(", ", Enum.GetNames(type).Select(Kebab))}", line));
                    return null;
                }

                value = Enum.Parse(type, match);
            }
            else if (type == typeof(long) && ByteSizeProperty)
            {
                ok = Units.TryParseBytes(text, out var bytes);
                value = bytes;
            }
            else
            {
                try
                {
                    value = Convert.ChangeType(text, type, CultureInfo.InvariantCulture);
                }
                catch (Exception ex) when (ex is FormatException or OverflowException or InvalidCastException)
                {
                    ok = false;
                }
            }

            if (!ok)
            {
                errors.Add(new ConfigError(path, $"expected {Describe(type)}, got '{text}'", line));
                return null;
            }

            return value;
        }

        // Set while binding a property marked [ByteSize]; scalars are bound one at a time, so a flag suffices.
        private bool ByteSizeProperty { get; set; }

        [UnconditionalSuppressMessage("AOT", "IL3050", Justification = OptionsAreRooted)]
        private object? BindDictionary(YamlNode node, Type valueType, string path)
        {
            if (node is not YamlMappingNode mapping)
            {
                errors.Add(new ConfigError(path, "expected a mapping", (int)node.Start.Line));
                return null;
            }

            var dictionary = (IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(typeof(string), valueType))!;
            foreach (var (keyNode, valueNode) in mapping.Children)
            {
                if (keyNode is not YamlScalarNode { Value: { } key })
                {
                    errors.Add(new ConfigError(path, "keys must be plain strings", (int)keyNode.Start.Line));
                    continue;
                }

                dictionary[key] = BindValue(valueNode, valueType, Join(path, key));
            }

            return dictionary;
        }

        [UnconditionalSuppressMessage("AOT", "IL3050", Justification = OptionsAreRooted)]
        private object? BindList(YamlNode node, Type listType, Type elementType, string path)
        {
            if (node is not YamlSequenceNode sequence)
            {
                errors.Add(new ConfigError(path, "expected a list", (int)node.Start.Line));
                return null;
            }

            var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(elementType))!;
            var i = 0;
            foreach (var child in sequence.Children)
            {
                var item = BindValue(child, elementType, $"{path}[{i}]");
                if (item is null)
                {
                    if (IsEmpty(child))
                    {
                        errors.Add(new ConfigError($"{path}[{i}]", "list items must not be empty", (int)child.Start.Line));
                    }
                }
                else
                {
                    list.Add(item);
                }

                i++;
            }

            if (listType.IsArray)
            {
                var array = Array.CreateInstance(elementType, list.Count);
                list.CopyTo(array, 0);
                return array;
            }

            return list;
        }

        [UnconditionalSuppressMessage("Trimming", "IL2067", Justification = OptionsAreRooted)]
        private object? BindObject(YamlNode node, Type type, string path)
        {
            if (node is not YamlMappingNode mapping)
            {
                errors.Add(new ConfigError(path, $"expected a mapping with keys {string.Join(", ", BindableProperties(type).Select(KeyOf))}", (int)node.Start.Line));
                return null;
            }

            var instance = Activator.CreateInstance(type)
                ?? throw new InvalidOperationException($"{type} needs a parameterless constructor to be bound");
            var properties = BindableProperties(type).ToDictionary(KeyOf, StringComparer.Ordinal);
            foreach (var (keyNode, valueNode) in mapping.Children)
            {
                var key = (keyNode as YamlScalarNode)?.Value ?? "";
                var keyPath = Join(path, key);
                if (!properties.TryGetValue(key, out var property))
                {
                    errors.Add(new ConfigError(keyPath, $"unknown key '{key}' (known keys: {string.Join(", ", properties.Keys)})", (int)keyNode.Start.Line));
                    continue;
                }

                ByteSizeProperty = property.GetCustomAttribute<ByteSizeAttribute>() is not null;
                var value = BindValue(valueNode, property.PropertyType, keyPath);
                ByteSizeProperty = false;
                if (value is not null)
                {
                    property.SetValue(instance, value);
                }
                else if (IsEmpty(valueNode) && !AcceptsNull(property))
                {
                    // `key:` with nothing after it. Collections stay empty; anything else needs a value.
                    if (ElementType(property.PropertyType) is null && !IsDictionary(property.PropertyType))
                    {
                        errors.Add(new ConfigError(keyPath, "needs a value", (int)valueNode.Start.Line));
                    }
                }
                else if (AcceptsNull(property))
                {
                    property.SetValue(instance, null);
                }
            }

            return instance;
        }

        private static readonly NullabilityInfoContext Nullability = new();

        private static bool IsEmpty(YamlNode node) => node is YamlScalarNode { Value: null or "" or "~" or "null" };

        private static bool AcceptsNull(PropertyInfo property) =>
            Nullable.GetUnderlyingType(property.PropertyType) is not null
            || (!property.PropertyType.IsValueType && Nullability.Create(property).WriteState == NullabilityState.Nullable);

        private static bool IsDictionary(Type type) =>
            type.IsGenericType && (type.GetGenericTypeDefinition() == typeof(Dictionary<,>) || type.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>) || type.GetGenericTypeDefinition() == typeof(IDictionary<,>));

        private static Type? ElementType(Type type)
        {
            if (type.IsArray)
            {
                return type.GetElementType();
            }

            if (type.IsGenericType)
            {
                var def = type.GetGenericTypeDefinition();
                if (def == typeof(List<>) || def == typeof(IReadOnlyList<>) || def == typeof(IList<>) || def == typeof(IEnumerable<>) || def == typeof(IReadOnlyCollection<>))
                {
                    return type.GetGenericArguments()[0];
                }
            }

            return null;
        }

        private static string Normalize(string text) => text.Replace("-", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal).ToUpperInvariant();

        private static string Describe(Type type) =>
            type == typeof(TimeSpan) ? "a duration such as 500ms, 30s or 5m"
            : type == typeof(bool) ? "true or false"
            : type == typeof(int) || type == typeof(long) || type == typeof(uint) ? "an integer"
            : type == typeof(double) || type == typeof(float) ? "a number"
            : type.Name;
    }

    /// <summary>Writes an enum name as YAML spells it: <c>TimeSliced</c> → <c>time-sliced</c>.</summary>
    public static string Kebab(string name)
    {
        var sb = new System.Text.StringBuilder();
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                sb.Append('-');
            }

            sb.Append(char.ToLowerInvariant(name[i]));
        }

        return sb.ToString();
    }
}
