using System.Text.Json;
using GpuQos.Advisor.Advice;
using GpuQos.Daemon.Http.Api;

namespace GpuQos.Daemon.Cli;

/// <summary>
/// Writes <c>advise --json</c>'s document, <see cref="FleetAdvice"/>, one host at a time: <c>{"hosts": [</c>, each host
/// as it is advised, then <c>], "summary": ...}</c>. The bytes are those of the whole document serialized at once,
/// but only one host is held: at 1,000 hosts the document is 162 MB, and holding it (with its UTF-16 copy) was most
/// of the command's GiB of memory (docs/performance.md, "Fleet").
/// </summary>
internal sealed class AdviceJsonWriter : IAsyncDisposable
{
    private readonly Stream _output;
    private readonly Utf8JsonWriter _writer;

    public AdviceJsonWriter(Stream output)
    {
        _output = output;
        var options = ApiJsonContext.Api.Options;
        // The writer settings the serializer itself derives from the options, so that the nesting and indentation
        // of each host match a serialization of the whole document.
        _writer = new Utf8JsonWriter(output, new JsonWriterOptions
        {
            Encoder = options.Encoder,
            Indented = options.WriteIndented,
            IndentCharacter = options.IndentCharacter,
            IndentSize = options.IndentSize,
            NewLine = options.NewLine,
            MaxDepth = options.MaxDepth,
        });
        _writer.WriteStartObject();
        _writer.WriteStartArray(Name(nameof(FleetAdvice.Hosts)));
    }

    /// <summary>Writes one host's advice and hands the bytes to the output, so that nothing of it stays here.</summary>
    public async Task WriteHostAsync(HostAdvice host, CancellationToken ct)
    {
        JsonSerializer.Serialize(_writer, host, ApiJsonContext.Api.HostAdvice);
        await _writer.FlushAsync(ct);
    }

    /// <summary>Closes the hosts, writes the fleet summary and ends the document with a newline.</summary>
    public async Task FinishAsync(FleetSummary summary, CancellationToken ct)
    {
        _writer.WriteEndArray();
        _writer.WritePropertyName(Name(nameof(FleetAdvice.Summary)));
        JsonSerializer.Serialize(_writer, summary, ApiJsonContext.Api.FleetSummary);
        _writer.WriteEndObject();
        await _writer.FlushAsync(ct);
        await _output.WriteAsync("\n"u8.ToArray(), ct);
        await _output.FlushAsync(ct);
    }

    public ValueTask DisposeAsync() => _writer.DisposeAsync();

    private static string Name(string property) => ApiJsonContext.Api.Options.PropertyNamingPolicy?.ConvertName(property) ?? property;
}
