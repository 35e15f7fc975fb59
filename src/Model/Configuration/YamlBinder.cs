using System.Collections;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using GpuQos.Model.Configuration.Binding;
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
/// <remarks>
/// No reflection: what the binder knows of each type (its properties, keys, accessors, validation attributes, the
/// collections it makes) is written at compile time by the binding generator (src/ConfigurationGenerator) for every
/// type reachable from a <c>Load&lt;T&gt;</c> or <c>Bind&lt;T&gt;</c> call, and registered in
/// <see cref="BindingRegistry"/>. So the published gpuqos is trimmed like any other code, and keeps exactly the
/// options members the generated code names.
/// </remarks>
public static class YamlBinder
{
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

    /// <summary>The YAML key a property is bound from (what the generator writes into <see cref="BindableProperty.Key"/>).</summary>
    public static string KeyOf(PropertyInfo property)
    {
        var alias = property.GetCustomAttribute<YamlMemberAttribute>()?.Alias;
        return alias ?? char.ToLowerInvariant(property.Name[0]) + property.Name[1..];
    }

    private static int LastLine(string text) => text.Count(c => c == '\n') + 1;

    private static string Join(string path, string key) => path.Length == 0 ? key : path + "." + key;

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

        var properties = BindingRegistry.Get<ObjectShape>(type).Properties;
        foreach (var property in properties)
        {
            var propertyPath = Join(path, property.Key);
            var propertyValue = property.Get(value);
            var context = new ValidationContext(value, property.Key, null, null) { MemberName = property.Name };
            foreach (var r in ValidateProperty(property, propertyValue, context))
            {
                errors.Add(new ConfigError(propertyPath, r.ErrorMessage ?? "invalid", LineOf(lines, propertyPath, path)));
            }

            if (propertyValue is not null)
            {
                Validate(propertyValue, propertyPath, errors, lines);
            }
        }

        if (value is IValidatableObject validatable)
        {
            foreach (var r in validatable.Validate(new ValidationContext(value, type.Name, null, null)))
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
                    var memberPath = Join(path, property is null ? member : property.Key);
                    errors.Add(new ConfigError(memberPath, r.ErrorMessage ?? "invalid", LineOf(lines, memberPath, path)));
                }
            }
        }
    }

    // As Validator.TryValidateProperty does it: [Required] first, and when it fails nothing else is reported.
    private static IEnumerable<ValidationResult> ValidateProperty(BindableProperty property, object? value, ValidationContext context)
    {
        var required = property.Validators.OfType<RequiredAttribute>().FirstOrDefault();
        if (required?.GetValidationResult(value, context) is { } missing && missing != ValidationResult.Success)
        {
            yield return missing;
            yield break;
        }

        foreach (var validator in property.Validators)
        {
            if (validator is not RequiredAttribute && validator.GetValidationResult(value, context) is { } result && result != ValidationResult.Success)
            {
                yield return result;
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

            return BindingRegistry.Get<BindableShape>(type) switch
            {
                DictionaryShape dictionary => BindDictionary(node, dictionary, path),
                CollectionShape collection => BindList(node, collection, path),
                var shape => BindObject(node, (ObjectShape)shape, path),
            };
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
                var shape = BindingRegistry.Get<EnumShape>(type);
                var normalized = Normalize(text);
                var match = shape.Names.Select((n, i) => (n, i)).FirstOrDefault(m => Normalize(m.n) == normalized);
                if (match.n is null)
                {
                    errors.Add(new ConfigError(path, $"'{text}' is not one of: {string.Join(", ", shape.Names.Select(Kebab))}", line));
                    return null;
                }

                value = shape.Values[match.i];
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

        private object? BindDictionary(YamlNode node, DictionaryShape shape, string path)
        {
            if (node is not YamlMappingNode mapping)
            {
                errors.Add(new ConfigError(path, "expected a mapping", (int)node.Start.Line));
                return null;
            }

            var dictionary = shape.Create();
            foreach (var (keyNode, valueNode) in mapping.Children)
            {
                if (keyNode is not YamlScalarNode { Value: { } key })
                {
                    errors.Add(new ConfigError(path, "keys must be plain strings", (int)keyNode.Start.Line));
                    continue;
                }

                dictionary[key] = BindValue(valueNode, shape.ValueType, Join(path, key));
            }

            return dictionary;
        }

        private object? BindList(YamlNode node, CollectionShape shape, string path)
        {
            if (node is not YamlSequenceNode sequence)
            {
                errors.Add(new ConfigError(path, "expected a list", (int)node.Start.Line));
                return null;
            }

            var list = shape.CreateList();
            var i = 0;
            foreach (var child in sequence.Children)
            {
                var item = BindValue(child, shape.ElementType, $"{path}[{i}]");
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

            return shape.ToArray is { } toArray ? toArray(list) : list;
        }

        private object? BindObject(YamlNode node, ObjectShape shape, string path)
        {
            if (node is not YamlMappingNode mapping)
            {
                errors.Add(new ConfigError(path, $"expected a mapping with keys {string.Join(", ", shape.Properties.Select(p => p.Key))}", (int)node.Start.Line));
                return null;
            }

            var instance = shape.Create();
            var properties = shape.Properties.ToDictionary(p => p.Key, StringComparer.Ordinal);
            foreach (var (keyNode, valueNode) in mapping.Children)
            {
                var key = (keyNode as YamlScalarNode)?.Value ?? "";
                var keyPath = Join(path, key);
                if (!properties.TryGetValue(key, out var property))
                {
                    errors.Add(new ConfigError(keyPath, $"unknown key '{key}' (known keys: {string.Join(", ", properties.Keys)})", (int)keyNode.Start.Line));
                    continue;
                }

                ByteSizeProperty = property.ByteSize;
                var value = BindValue(valueNode, property.Type, keyPath);
                ByteSizeProperty = false;
                if (value is not null)
                {
                    property.Set(instance, value);
                }
                else if (IsEmpty(valueNode) && !property.AcceptsNull)
                {
                    // `key:` with nothing after it. Collections stay empty; anything else needs a value.
                    if (BindingRegistry.Find(property.Type) is not (CollectionShape or DictionaryShape))
                    {
                        errors.Add(new ConfigError(keyPath, "needs a value", (int)valueNode.Start.Line));
                    }
                }
                else if (property.AcceptsNull)
                {
                    property.Set(instance, null);
                }
            }

            return instance;
        }

        private static bool IsEmpty(YamlNode node) => node is YamlScalarNode { Value: null or "" or "~" or "null" };

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
