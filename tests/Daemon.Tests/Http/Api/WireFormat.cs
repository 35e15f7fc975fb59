using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using GpuQos.Daemon.Tests.TestSupport;

namespace GpuQos.Daemon.Tests.Http.Api;

/// <summary>
/// The property paths of an API document (<c>$.gpus[].device.powerWatts</c>): from the serializer's metadata, or
/// from a document as served, compared with the checked-in lists beside this file (<c>*.wire.txt</c>).
/// </summary>
internal static class WireFormat
{
    /// <summary>The checked-in paths of <paramref name="name"/> (<c>state</c>, <c>actions</c>).</summary>
    public static SortedSet<string> Expected(string name) =>
        new(File.ReadAllLines(PathOf(name)).Where(l => l.Length > 0 && !l.StartsWith('#')), StringComparer.Ordinal);

    /// <summary>
    /// With <c>GPUQOS_UPDATE_WIRE=1</c>, rewrites the checked-in list from <paramref name="actual"/>: for a deliberate
    /// change of the API, reviewed in the diff of the list.
    /// </summary>
    public static void UpdateIfAsked(string name, IEnumerable<string> actual)
    {
        if (Environment.GetEnvironmentVariable("GPUQOS_UPDATE_WIRE") == "1")
        {
            File.WriteAllLines(PathOf(name), [$"# JSON paths of /api/v1/{name}; regenerate with GPUQOS_UPDATE_WIRE=1 after a deliberate API change.", .. actual]);
        }
    }

    private static string PathOf(string name) => RepoPaths.Combine("tests", "Daemon.Tests", "Http", "Api", name + ".wire.txt");

    /// <summary>Every leaf path the type can write, from its serialization metadata: the names on the wire.</summary>
    public static SortedSet<string> Of(JsonTypeInfo type)
    {
        var paths = new SortedSet<string>(StringComparer.Ordinal);
        Walk(type, "$", paths, depth: 0);
        return paths;
    }

    /// <summary>Every leaf path present in a served document (objects under a dictionary path match its <c>.*</c>).</summary>
    public static SortedSet<string> Of(JsonElement document)
    {
        var paths = new SortedSet<string>(StringComparer.Ordinal);
        Walk(document, "$", paths);
        return paths;
    }

    /// <summary>True when <paramref name="path"/> is one of <paramref name="expected"/>, where <c>*</c> stands for any dictionary key.</summary>
    public static bool Matches(string path, IEnumerable<string> expected) =>
        expected.Any(e => e == path || (e.Contains('*', StringComparison.Ordinal) && Regex.IsMatch(path, "^" + Regex.Escape(e).Replace(@"\*", "[^.]+", StringComparison.Ordinal) + "$")));

    private static void Walk(JsonTypeInfo type, string path, SortedSet<string> paths, int depth)
    {
        if (depth > 12)
        {
            throw new InvalidOperationException("the API type nests deeper than 12 levels at " + path);
        }

        if (Nullable.GetUnderlyingType(type.Type) is { } underlying)
        {
            // A nullable struct (a clock range) is written as the struct.
            Walk(type.Options.GetTypeInfo(underlying), path, paths, depth);
            return;
        }

        switch (type.Kind)
        {
            case JsonTypeInfoKind.Object:
                foreach (var p in type.Properties)
                {
                    Walk(type.Options.GetTypeInfo(p.PropertyType), path + "." + p.Name, paths, depth + 1);
                }

                break;
            case JsonTypeInfoKind.Enumerable:
                Walk(type.Options.GetTypeInfo(type.ElementType!), path + "[]", paths, depth + 1);
                break;
            case JsonTypeInfoKind.Dictionary:
                Walk(type.Options.GetTypeInfo(type.ElementType!), path + ".*", paths, depth + 1);
                break;
            default:
                paths.Add(path);
                break;
        }
    }

    private static void Walk(JsonElement e, string path, SortedSet<string> paths)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var p in e.EnumerateObject())
                {
                    Walk(p.Value, path + "." + p.Name, paths);
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in e.EnumerateArray())
                {
                    Walk(item, path + "[]", paths);
                }

                break;
            default:
                paths.Add(path);
                break;
        }
    }
}
