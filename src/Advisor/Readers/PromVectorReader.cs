using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace GpuQos.Advisor.Readers;

/// <summary>
/// Reads a Prometheus <c>/api/v1/query</c> answer from its stream one token at a time and hands each sample of the
/// vector to a callback as soon as its closing brace is read: the answer is never held whole, and no object is made
/// per sample. Label names and values are interned, so a fleet's hosts, UUIDs and tenants cost one string each
/// whatever the number of queries. A fleet's answer is megabytes (55,000 series at 1,000 hosts); parsed into a
/// document and then into a dictionary per sample it cost about 11 KB of heap per series between collections.
/// </summary>
/// <remarks>
/// The callback's labels are one dictionary, cleared before the next sample: copy what must outlive the call.
/// A scalar answer comes back as one sample without labels. Anything the answer holds beside <c>status</c>,
/// <c>error</c>, <c>data.resultType</c> and <c>data.result</c> (warnings, stats) is skipped.
/// </remarks>
internal sealed class PromVectorReader(Func<ReadOnlySpan<char>, string> intern)
{
    private const int FirstBufferSize = 64 * 1024;
    private const int StackChars = 256;

    private readonly Dictionary<string, string> _labels = new(StringComparer.Ordinal);
    private readonly Stack<Frame> _frames = new();
    private Property _property;
    private string _labelName = "";
    private int _index;
    private double _value = double.NaN;
    private double _scalar = double.NaN;
    private string? _status;
    private string? _error;
    private string? _resultType;
    private int _samples;

    /// <summary>Where a token is: the containers the reader is in, innermost on top.</summary>
    private enum Frame
    {
        Root,
        Data,
        Result,
        Sample,
        Metric,
        Value,
        Other,
    }

    /// <summary>The property names the reader acts on; the rest are <see cref="Other"/>.</summary>
    private enum Property
    {
        Other,
        Status,
        Error,
        Data,
        ResultType,
        Result,
        Metric,
        Value,
    }

    /// <summary>What the answer said besides its samples.</summary>
    /// <param name="Status"><c>success</c> or <c>error</c>, or null where the answer had none.</param>
    /// <param name="Error">Prometheus's error message, where it gave one.</param>
    /// <param name="ResultType"><c>vector</c>, <c>scalar</c>, <c>matrix</c> or <c>string</c>.</param>
    /// <param name="Samples">How many samples went to the callback.</param>
    public readonly record struct Answer(string? Status, string? Error, string? ResultType, int Samples);

    /// <summary>Reads the whole answer, calling <paramref name="onSample"/> once per sample of a vector (or once for a scalar).</summary>
    /// <exception cref="JsonException">The stream is not JSON (a proxy's error page, a cut connection).</exception>
    public async Task<Answer> ReadAsync(Stream stream, Action<IReadOnlyDictionary<string, string>, double> onSample, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(FirstBufferSize);
        try
        {
            var state = new JsonReaderState();
            var filled = 0;
            var final = false;
            while (!final)
            {
                if (filled == buffer.Length)
                {
                    // One token longer than the buffer (a label value of 64 KB): only then does the buffer grow.
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, filled).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await stream.ReadAsync(buffer.AsMemory(filled), ct);
                final = read == 0;
                filled += read;
                var consumed = Consume(buffer.AsSpan(0, filled), final, ref state, onSample);
                buffer.AsSpan(consumed, filled - consumed).CopyTo(buffer);
                filled -= consumed;
            }

            if (_resultType == "scalar")
            {
                onSample(_labels, _scalar);
                _samples++;
            }

            return new Answer(_status, _error, _resultType, _samples);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Reads every whole token of <paramref name="data"/>; returns the bytes consumed (the rest is an unfinished token).</summary>
    private int Consume(ReadOnlySpan<byte> data, bool final, ref JsonReaderState state, Action<IReadOnlyDictionary<string, string>, double> onSample)
    {
        var reader = new Utf8JsonReader(data, final, state);
        while (reader.Read())
        {
            var top = _frames.Count == 0 ? (Frame?)null : _frames.Peek();
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName when top == Frame.Metric:
                    _labelName = Intern(ref reader);
                    break;
                case JsonTokenType.PropertyName:
                    _property = Name(ref reader);
                    break;
                case JsonTokenType.StartObject:
                    var frame = (top, _property) switch
                    {
                        (null, _) => Frame.Root,
                        (Frame.Root, Property.Data) => Frame.Data,
                        (Frame.Result, _) => Frame.Sample,
                        (Frame.Sample, Property.Metric) => Frame.Metric,
                        _ => Frame.Other,
                    };
                    if (frame == Frame.Sample)
                    {
                        _labels.Clear();
                        _value = double.NaN;
                    }

                    _frames.Push(frame);
                    break;
                case JsonTokenType.StartArray:
                    _frames.Push((top, _property) switch
                    {
                        // A matrix or a string is not read as samples: the client says what came back instead.
                        (Frame.Data, Property.Result) when _resultType is null or "vector" or "scalar" => Frame.Result,
                        (Frame.Sample, Property.Value) => Frame.Value,
                        _ => Frame.Other,
                    });
                    _index = 0;
                    break;
                case JsonTokenType.EndObject:
                    if (_frames.Pop() == Frame.Sample)
                    {
                        onSample(_labels, _value);
                        _samples++;
                    }

                    break;
                case JsonTokenType.EndArray:
                    _frames.Pop();
                    break;
                default:
                    Primitive(ref reader, top);
                    break;
            }
        }

        state = reader.CurrentState;
        return (int)reader.BytesConsumed;
    }

    /// <summary>A string, number, boolean or null: kept where it is one of the fields read, skipped elsewhere.</summary>
    private void Primitive(ref Utf8JsonReader reader, Frame? top)
    {
        switch (top)
        {
            case Frame.Root when _property == Property.Status:
                _status = reader.GetString();
                break;
            case Frame.Root when _property == Property.Error:
                _error = reader.GetString();
                break;
            case Frame.Data when _property == Property.ResultType:
                _resultType = reader.GetString();
                break;
            case Frame.Metric:
                _labels[_labelName] = reader.TokenType == JsonTokenType.String ? Intern(ref reader) : "";
                break;
            case Frame.Value:
                // [timestamp, "value"]: the evaluation time is the one asked for.
                if (_index++ == 1)
                {
                    _value = Number(ref reader);
                }

                break;
            case Frame.Result:
                // A scalar's result is [timestamp, "value"] itself.
                if (_index++ == 1)
                {
                    _scalar = Number(ref reader);
                }

                break;
        }
    }

    private static Property Name(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("status"u8) ? Property.Status
        : reader.ValueTextEquals("error"u8) ? Property.Error
        : reader.ValueTextEquals("data"u8) ? Property.Data
        : reader.ValueTextEquals("resultType"u8) ? Property.ResultType
        : reader.ValueTextEquals("result"u8) ? Property.Result
        : reader.ValueTextEquals("metric"u8) ? Property.Metric
        : reader.ValueTextEquals("value"u8) ? Property.Value
        : Property.Other;

    /// <summary>Prometheus writes sample values as strings, with NaN and the infinities as Go spells them.</summary>
    private static double Number(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped)
        {
            return double.NaN;
        }

        var text = reader.ValueSpan;
        return text.SequenceEqual("NaN"u8) ? double.NaN
            : text.SequenceEqual("+Inf"u8) ? double.PositiveInfinity
            : text.SequenceEqual("-Inf"u8) ? double.NegativeInfinity
            : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : double.NaN;
    }

    /// <summary>The token's text as a shared string: decoded on the stack, and a new string made only the first time.</summary>
    private string Intern(ref Utf8JsonReader reader)
    {
        if (reader.ValueIsEscaped)
        {
            // Rare in label values (a quote, a backslash): unescaped by the reader, then shared like the rest.
            return intern(reader.GetString() ?? "");
        }

        var utf8 = reader.ValueSpan;
        char[]? rented = null;
        var chars = utf8.Length <= StackChars ? stackalloc char[StackChars] : (rented = ArrayPool<char>.Shared.Rent(utf8.Length));
        try
        {
            var length = Encoding.UTF8.GetChars(utf8, chars);
            return intern(chars[..length]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }
}
