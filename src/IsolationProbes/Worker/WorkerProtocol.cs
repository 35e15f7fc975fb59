using System.Text.Json;
using GpuQos.IsolationProbes.Kernels;
using GpuQos.Model.Json;

namespace GpuQos.IsolationProbes.Worker;

/// <summary>
/// The line-delimited JSON protocol between the audit coordinator and its probe workers: one request per
/// line on the worker's stdin, one response per line on its stdout. Bad input gets an error response that
/// names the field; it never crashes the worker.
/// </summary>
public static class WorkerProtocol
{
    /// <summary>The protocol version both sides must speak.</summary>
    public const int Version = 1;

    /// <summary>Upper bound on a request line; longer lines are refused unread.</summary>
    public const int MaxLineLength = 64 * 1024;

    /// <summary>
    /// Serializer settings: the line settings (<see cref="GpuQosJson.Lines"/>), unknown members are errors, and
    /// only the protocol's own types are known (<see cref="WorkerProtocolJson"/>, source-generated). Read-only.
    /// </summary>
    public static JsonSerializerOptions Json => WorkerProtocolJson.Protocol.Options;

    /// <summary>Serializes a request as one line.</summary>
    public static string Write(WorkerRequest message) => JsonSerializer.Serialize(message, WorkerProtocolJson.Protocol.WorkerRequest);

    /// <summary>Serializes a response as one line.</summary>
    public static string Write(WorkerResponse message) => JsonSerializer.Serialize(message, WorkerProtocolJson.Protocol.WorkerResponse);

    /// <summary>Serializes a preflight verdict (<c>gpuqos-probe --preflight</c>) as one line.</summary>
    public static string Write(ProbeReadiness message) => JsonSerializer.Serialize(message, WorkerProtocolJson.Protocol.ProbeReadiness);

    /// <summary>Reads a preflight verdict line; null when the line is not one.</summary>
    public static ProbeReadiness? TryReadReadiness(string line)
    {
        try
        {
            return JsonSerializer.Deserialize(line, WorkerProtocolJson.Protocol.ProbeReadiness);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Reads and validates a request line; returns null and an error naming the problem when it is bad.</summary>
    public static WorkerRequest? TryRead(string line, out string? error) => TryRead(line, out _, out error);

    /// <summary>As <see cref="TryRead(string, out string?)"/>, and gives the request's id when the line could be read at all.</summary>
    public static WorkerRequest? TryRead(string line, out long id, out string? error)
    {
        id = 0;
        if (line.Length > MaxLineLength)
        {
            error = $"request line is {line.Length} characters; the limit is {MaxLineLength}";
            return null;
        }

        WorkerRequest? request;
        try
        {
            request = JsonSerializer.Deserialize(line, WorkerProtocolJson.Protocol.WorkerRequest);
        }
        catch (JsonException ex)
        {
            error = $"request is not valid JSON for protocol v{Version}: {ex.Message}";
            return null;
        }

        if (request is null)
        {
            error = "request is null";
            return null;
        }

        id = request.Id;
        error = Validate(request);
        return error is null ? request : null;
    }

    /// <summary>
    /// Reads a worker's response line (the coordinator's side); returns null and an error naming the problem
    /// when it is not a protocol response. Type errors name the member by its JSON path (<c>$.timingsSeconds</c>).
    /// </summary>
    public static WorkerResponse? TryReadResponse(string line, out string? error)
    {
        WorkerResponse? response;
        try
        {
            response = JsonSerializer.Deserialize(line, WorkerProtocolJson.Protocol.WorkerResponse);
        }
        catch (JsonException ex)
        {
            error = $"response is not protocol v{Version}: {ex.Message}";
            return null;
        }

        error = response is null ? "response is null"
            : response.V != Version ? $"v: protocol version {response.V} is not supported; the coordinator speaks v{Version}"
            : !response.Ok && string.IsNullOrEmpty(response.Error) ? "error: a refusal (ok false) must say why"
            : null;
        return error is null ? response : null;
    }

    /// <summary>Checks the fields an operation needs; returns the first problem, naming the field, or null.</summary>
    public static string? Validate(WorkerRequest r)
    {
        if (r.V != Version)
        {
            return $"v: protocol version {r.V} is not supported; this worker speaks v{Version}";
        }

        return r.Op switch
        {
            WorkerOps.Hello or WorkerOps.Stop or WorkerOps.Exit => null,
            WorkerOps.Measure => OneOf(r.Kernel, WorkerOps.VictimKernels) ?? Positive(r.Size, "size") ?? Positive(r.Repetitions, "repetitions")
                ?? (r.Warmup < 0 ? "warmup: must be 0 or more" : null) ?? IterationsFor(r),
            WorkerOps.Aggress => OneOf(r.Kernel, WorkerOps.AggressorKernels) ?? Positive(r.Size, "size") ?? IterationsFor(r),
            WorkerOps.Capacity => Positive(r.StepBytes, "stepBytes") ?? Positive(r.Size, "size"),
            WorkerOps.CanaryWrite or WorkerOps.CanaryScan => Positive(r.Size, "size"),
            WorkerOps.Integrity => Positive(r.Size, "size") ?? Positive(r.Repetitions, "repetitions"),
            WorkerOps.CovertSend => Bits(r.Bits) ?? Positive(r.SlotNanoseconds, "slotNanoseconds") ?? Positive(r.Size, "size") ?? Positive(r.Iterations, "iterations"),
            WorkerOps.CovertReceive => Positive(r.BitCount, "bitCount") ?? Positive(r.SlotNanoseconds, "slotNanoseconds") ?? Positive(r.Size, "size") ?? Positive(r.Iterations, "iterations"),
            "" => $"op: missing; expected one of {string.Join(", ", WorkerOps.All)}",
            _ => $"op: '{r.Op}' is unknown; expected one of {string.Join(", ", WorkerOps.All)}",
        };
    }

    private static string? IterationsFor(WorkerRequest r) =>
        r.Kernel is "fma" or "chase" or "thrash" ? Positive(r.Iterations, "iterations") : null;

    private static string? Positive(long value, string field) => value > 0 ? null : $"{field}: must be greater than 0 (was {value})";

    private static string? OneOf(string? kernel, IReadOnlyList<string> allowed) =>
        kernel is not null && allowed.Contains(kernel) ? null : $"kernel: '{kernel}' is not one of {string.Join(", ", allowed)}";

    private static string? Bits(string? bits) =>
        !string.IsNullOrEmpty(bits) && bits.All(c => c is '0' or '1') ? null : "bits: must be a non-empty string of 0 and 1";
}
