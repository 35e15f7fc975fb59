using YamlDotNet.Serialization;

namespace GpuQos.Advisor.Output;

/// <summary>Serializes ordered maps and lists to YAML, keys as given.</summary>
internal static class YamlText
{
    private static readonly ISerializer Serializer = new SerializerBuilder().DisableAliases().Build();

    public static string Write(object document, string header) =>
        string.Join('\n', header.Split('\n').Select(l => "# " + l)) + "\n" + Serializer.Serialize(document);
}
