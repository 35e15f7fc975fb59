using System.Text.RegularExpressions;
using CsCheck;
using GpuQos.Collectors.Tests.Fuzzing;
using GpuQos.IsolationProbes.Worker;

namespace GpuQos.IsolationProbes.Tests.Worker;

/// <summary>
/// Property tests on both ends of the probe-worker protocol (line-delimited JSON): the worker's request
/// parser and the coordinator's response parser. For random and mutated lines neither throws, a line is
/// either accepted or refused with an error, and the error names the field (or, for broken JSON, the
/// position). A value of the wrong type or range in a known field is refused naming that field.
/// </summary>
public sealed partial class WorkerProtocolFuzzTests
{
    /// <summary>Inputs per property; each parse takes microseconds.</summary>
    private const long Iterations = 5000;

    /// <summary>JSON punctuation, digits and a few letters: the alphabet mutations draw from.</summary>
    private const string JsonAlphabet = "{}[]:,\"\\ 0123456789.-+eEtrufalsn";

    private static readonly string[] Requests =
    [
        WorkerProtocol.Write(new WorkerRequest { V = 1, Id = 1, Op = WorkerOps.Hello }),
        WorkerProtocol.Write(new WorkerRequest { V = 1, Id = 2, Op = WorkerOps.Measure, Kernel = "fma", Size = 64, Iterations = 10, Warmup = 1, Repetitions = 3 }),
        WorkerProtocol.Write(new WorkerRequest { V = 1, Id = 3, Op = WorkerOps.Aggress, Kernel = "thrash", Size = 1024, Iterations = 2 }),
        WorkerProtocol.Write(new WorkerRequest { V = 1, Id = 4, Op = WorkerOps.CovertSend, Bits = "1010", SlotNanoseconds = 20_000_000, Size = 8, Iterations = 100, StartTicks = 5 }),
        WorkerProtocol.Write(new WorkerRequest { V = 1, Id = 5, Op = WorkerOps.Capacity, StepBytes = 1 << 20, Size = 1 << 24 }),
    ];

    private static readonly string[] Responses =
    [
        WorkerProtocol.Write(new WorkerResponse { Id = 1, Ok = true, Info = new WorkerInfo("cpu", "CPU", [0, 1], 1 << 30, 1 << 20, null) }),
        WorkerProtocol.Write(new WorkerResponse { Id = 2, Ok = true, TimingsSeconds = [0.01, 0.012, 0.011] }),
        WorkerProtocol.Write(new WorkerResponse { Id = 3, Ok = true, Counts = [3, 4, 5], Value = 7 }),
        WorkerProtocol.Write(new WorkerResponse { Id = 4, Ok = false, Error = "kernel: 'gemm' is not one of fma" }),
    ];

    /// <summary>Values of the wrong type or out of range for any field.</summary>
    private static readonly string[] WrongValues = ["\"x\"", "true", "[]", "{}", "null", "1.5", "-1", "0", "99999999999999999999"];

    /// <summary>Fields of the measure request: every value in <see cref="WrongValues"/> must be refused there.</summary>
    private static readonly string[] CheckedRequestFields = ["v", "op", "kernel", "size", "iterations", "repetitions", "warmup"];

    private static readonly string[] CheckedResponseFields = ["v", "id", "ok", "timingsSeconds", "counts", "value", "info"];

    private static readonly Gen<string> MutatedRequest =
        from seed in Gen.Int[0, Requests.Length - 1]
        from edits in Gen.Select(Gen.Int[0, int.MaxValue], Gen.Int[0, 5], Gen.Char[JsonAlphabet]).Array[1, 8]
        select YamlMutator.Mutate(Requests[seed], edits);

    private static readonly Gen<string> MutatedResponse =
        from seed in Gen.Int[0, Responses.Length - 1]
        from edits in Gen.Select(Gen.Int[0, int.MaxValue], Gen.Int[0, 5], Gen.Char[JsonAlphabet]).Array[1, 8]
        select YamlMutator.Mutate(Responses[seed], edits);

    [Fact]
    public void TryRead_MutatedRequests_NeverThrow_RefusalsNameTheFieldOrPosition() =>
        MutatedRequest.Sample(CheckRequest, iter: Iterations, threads: 1);

    [Fact]
    public void TryRead_RandomText_NeverThrows() =>
        Gen.String[Gen.Char[JsonAlphabet + "abcopvkiz"], 0, 200].Sample(CheckRequest, iter: Iterations, threads: 1);

    [Fact]
    public void TryRead_WrongValueInAField_RefusedNamingThatField() =>
        Gen.Select(Gen.Int[0, CheckedRequestFields.Length - 1], Gen.Int[0, WrongValues.Length - 1]).Sample((f, w) =>
        {
            // The measure request, whose every field here is checked.
            var field = CheckedRequestFields[f];
            if (field == "warmup" && WrongValues[w] == "0")
            {
                return true;
            }

            Assert.True(TryReplace(Requests[1], field, WrongValues[w], out var line));
            var request = WorkerProtocol.TryRead(line, out var error);
            return request is null && NamesField(error!, field);
        }, iter: Iterations, threads: 1, print: t => $"{CheckedRequestFields[t.Item1]}={WrongValues[t.Item2]}");

    [Fact]
    public void TryReadResponse_MutatedResponses_NeverThrow_RefusalsNameTheFieldOrPosition() =>
        MutatedResponse.Sample(CheckResponse, iter: Iterations, threads: 1);

    [Fact]
    public void TryReadResponse_RandomText_NeverThrows() =>
        Gen.String[Gen.Char[JsonAlphabet + "abcokvidz"], 0, 200].Sample(CheckResponse, iter: Iterations, threads: 1);

    [Fact]
    public void TryReadResponse_WrongTypeInAField_RefusedNamingThatField() =>
        Gen.Select(Gen.Int[0, Responses.Length - 1], Gen.Int[0, CheckedResponseFields.Length - 1], Gen.Int[0, WrongValues.Length - 1]).Sample((seed, f, w) =>
        {
            var field = CheckedResponseFields[f];
            if (!TryReplace(Responses[seed], field, WrongValues[w], out var line) || !IsWrongForResponse(field, WrongValues[w]))
            {
                return true;
            }

            var response = WorkerProtocol.TryReadResponse(line, out var error);
            return response is null && NamesField(error!, field);
        }, iter: Iterations, threads: 1, print: t => $"{t.Item1}/{CheckedResponseFields[t.Item2]}={WrongValues[t.Item3]}");

    /// <summary>Lines the fuzzer found interesting, kept as examples of each kind of refusal.</summary>
    [Theory]
    [InlineData("", "Path: $")]
    [InlineData("null", "request is null")]
    [InlineData("""{"v":1,"id":1,"op":"measure","kernel":"fma","size":"big"}""", "$.size")]
    [InlineData("""{"v":1,"id":1,"op":"measure","kernel":"fma","size":64,"iterations":1,"repetitions":3,"warmup":-1}""", "warmup:")]
    [InlineData("""{"v":1,"id":1,"op":["hello"]}""", "$.op")]
    public void TryRead_Examples_RefusedWithTheField(string line, string expected)
    {
        Assert.Null(WorkerProtocol.TryRead(line, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"v":1,"id":2,"ok":true,"timingsSeconds":[0.1,"slow"]}""", "$.timingsSeconds[1]")]
    [InlineData("""{"v":2,"id":2,"ok":true}""", "v: protocol version 2")]
    [InlineData("""{"v":1,"id":2,"ok":false}""", "error: a refusal")]
    [InlineData("""{"v":1,"id":2,"ok":true,"mood":"fine"}""", "'mood'")]
    public void TryReadResponse_Examples_RefusedWithTheField(string line, string expected)
    {
        Assert.Null(WorkerProtocol.TryReadResponse(line, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    private static void CheckRequest(string line)
    {
        var request = WorkerProtocol.TryRead(line, out var error);
        Assert.True((request is null) == (error is not null), $"request {request}, error {error} for {line}");
        if (error is not null)
        {
            Assert.Matches(RequestRefusal(), error);
        }
    }

    private static void CheckResponse(string line)
    {
        var response = WorkerProtocol.TryReadResponse(line, out var error);
        Assert.True((response is null) == (error is not null), $"response {response}, error {error} for {line}");
        if (error is not null)
        {
            Assert.Matches(ResponseRefusal(), error);
        }
    }

    /// <summary>Validation errors start with the field; JSON errors carry the member's path, or quote an unknown member.</summary>
    private static bool NamesField(string error, string field) =>
        error.StartsWith(field + ":", StringComparison.Ordinal)
        || error.Contains($"Path: $.{field}", StringComparison.Ordinal)
        || error.Contains($"'{field}'", StringComparison.Ordinal);

    /// <summary>Replaces the value of <paramref name="field"/> in a flat JSON line (values are numbers, strings, arrays or objects).</summary>
    private static bool TryReplace(string json, string field, string value, out string result)
    {
        var match = Regex.Match(json, $"\"{field}\":(\"[^\"]*\"|\\[[^\\]]*\\]|\\{{[^}}]*\\}}|[^,}}]+)");
        result = match.Success ? json[..match.Groups[1].Index] + value + json[(match.Groups[1].Index + match.Groups[1].Length)..] : json;
        return match.Success;
    }

    /// <summary>Whether a response must be refused with this value in this field (0, empty lists and absent lists are fine).</summary>
    private static bool IsWrongForResponse(string field, string value) => (field, value) switch
    {
        ("id" or "value", "0" or "-1") => false,
        ("timingsSeconds" or "counts" or "info", "null") => false,
        ("timingsSeconds" or "counts", "[]") => false,
        ("info", "{}") => false,
        ("ok", "true") => false,
        _ => true,
    };

    [GeneratedRegex(@"^((v|op|kernel|size|repetitions|warmup|iterations|stepBytes|bits|slotNanoseconds|bitCount): |request is not valid JSON for protocol v1: (.*Path: \$|The JSON property '[^']*' could not be mapped)|request is null$|request line is \d+ characters)", RegexOptions.Singleline)]
    private static partial Regex RequestRefusal();

    [GeneratedRegex(@"^((v|error): |response is not protocol v1: (.*Path: \$|The JSON property '[^']*' could not be mapped)|response is null$)", RegexOptions.Singleline)]
    private static partial Regex ResponseRefusal();
}
