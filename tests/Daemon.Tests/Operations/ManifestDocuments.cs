using System.Text.Json;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace GpuQos.Daemon.Tests.Operations;

/// <summary>Reads YAML manifests into plain objects (dictionaries, lists, strings) and compares them by content.</summary>
public static class ManifestDocuments
{
    /// <summary>Every document of a multi-document YAML file.</summary>
    public static List<Dictionary<object, object>> Load(string path)
    {
        var deserializer = new DeserializerBuilder().Build();
        var parser = new Parser(new StringReader(File.ReadAllText(path)));
        parser.Consume<StreamStart>();
        var documents = new List<Dictionary<object, object>>();
        while (parser.Accept<DocumentStart>(out _))
        {
            if (deserializer.Deserialize<Dictionary<object, object>?>(parser) is { } document)
            {
                documents.Add(document);
            }
        }

        return documents;
    }

    /// <summary>
    /// The value at a dotted path (<c>spec.template.spec.hostPID</c>); list items by index (<c>containers.0</c>).
    /// Keys that themselves hold dots (<c>gpuqos.yaml</c>, <c>app.kubernetes.io/name</c>) are matched whole.
    /// </summary>
    public static object? At(object? node, string path)
    {
        var parts = path.Split('.');
        for (var i = 0; i < parts.Length && node is not null; i++)
        {
            var key = parts[i];
            object? next = null;
            for (var j = i; j < parts.Length; j++)
            {
                key = j == i ? parts[i] : key + "." + parts[j];
                next = node switch
                {
                    Dictionary<object, object> map => map.TryGetValue(key, out var v) ? v : null,
                    List<object> list when int.TryParse(key, out var n) && n < list.Count => list[n],
                    _ => null,
                };
                if (next is not null)
                {
                    i = j;
                    break;
                }
            }

            node = next;
        }

        return node;
    }

    /// <summary>Canonical JSON of a YAML value, for comparing two documents by content.</summary>
    public static string Canonical(object? node) => JsonSerializer.Serialize(Plain(node));

    private static object? Plain(object? node) => node switch
    {
        Dictionary<object, object> map => map.OrderBy(p => p.Key.ToString(), StringComparer.Ordinal).ToDictionary(p => p.Key.ToString()!, p => Plain(p.Value)),
        List<object> list => list.Select(Plain).ToList(),
        _ => node?.ToString(),
    };
}
