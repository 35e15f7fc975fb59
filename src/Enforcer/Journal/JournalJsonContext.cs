using System.Text.Json.Serialization;
using GpuQos.Model.Json;

namespace GpuQos.Enforcer.Journal;

/// <summary>
/// The source-generated serializer of <see cref="JournalEntry"/>, on the line settings of <see cref="GpuQosJson.Lines"/>:
/// the journal is written and replayed in the ahead-of-time compiled daemon, where reflection-based JSON is off.
/// </summary>
[JsonSerializable(typeof(JournalEntry))]
internal sealed partial class JournalJsonContext : JsonSerializerContext
{
    /// <summary>The context bound to a copy of the shared line settings.</summary>
    public static JournalJsonContext Lines { get; } = new(GpuQosJson.CreateOptions(indented: false));
}
