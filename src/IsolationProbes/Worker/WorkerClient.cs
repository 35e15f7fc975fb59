using System.Diagnostics;
using System.Text;
using GpuQos.IsolationProbes.Audit;

namespace GpuQos.IsolationProbes.Worker;

/// <summary>
/// The coordinator's end of one probe worker process. Each request waits at most the timeout; a worker that
/// does not answer is killed, and one that exits is reported with the tail of its stderr.
/// </summary>
public sealed class WorkerClient : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TimeSpan _timeout;
    private readonly StringBuilder _stderr = new();
    private long _nextId;

    private WorkerClient(Process process, AuditPartition partition, TimeSpan timeout)
    {
        _process = process;
        Partition = partition;
        _timeout = timeout;
    }

    /// <summary>The partition the worker is bound to.</summary>
    public AuditPartition Partition { get; }

    /// <summary>The worker's own description (from hello).</summary>
    public WorkerInfo Info { get; private set; } = new("", "", [], 0, 0, null);

    /// <summary>The worker's process id.</summary>
    public int ProcessId => _process.Id;

    /// <summary>Starts a worker for <paramref name="partition"/> and waits for its hello.</summary>
    public static async Task<WorkerClient> StartAsync(WorkerLaunch launch, AuditPartition partition, TimeSpan timeout, bool limitMemory, CancellationToken ct)
    {
        Process process;
        try
        {
            process = Process.Start(launch.StartInfo(partition, limitMemory))
                ?? throw new ProbeWorkerException($"could not start a probe worker for {partition.Name}");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            var user = launch.User is { } name && PosixBinding.IsRoot ? $" as user '{name}' (audit.workerUser)" : "";
            throw new ProbeWorkerException($"could not start a probe worker for {partition.Name} ({launch.FileName}){user}: {ex.Message}");
        }

        var client = new WorkerClient(process, partition, timeout);
        process.ErrorDataReceived += (_, e) => client.AppendStderr(e.Data);
        process.BeginErrorReadLine();
        try
        {
            var hello = await client.SendAsync(new WorkerRequest { Op = WorkerOps.Hello }, ct);
            client.Info = hello.Info ?? throw new ProbeWorkerException($"worker for {partition.Name} answered hello without its description");
            if (launch.Nice != 0 && !PosixBinding.TrySetNice(process.Id, launch.Nice))
            {
                client.Info = client.Info with { Note = string.Join("; ", new[] { client.Info.Note, $"could not set the worker's nice to {launch.Nice}" }.OfType<string>()) };
            }
            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    /// <summary>Sends one request and returns the reply; throws <see cref="ProbeWorkerException"/> on refusal, timeout or exit.</summary>
    public async Task<WorkerResponse> SendAsync(WorkerRequest request, CancellationToken ct, TimeSpan? timeout = null)
    {
        var id = Interlocked.Increment(ref _nextId);
        var line = WorkerProtocol.Write(request with { V = WorkerProtocol.Version, Id = id });
        try
        {
            await _process.StandardInput.WriteLineAsync(line.AsMemory(), ct);
            await _process.StandardInput.FlushAsync(ct);
        }
        catch (IOException)
        {
            throw Exited(request.Op);
        }

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout ?? _timeout);
        string? reply;
        try
        {
            reply = await _process.StandardOutput.ReadLineAsync(cts.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            Kill();
            throw new ProbeWorkerException($"worker for {Partition.Name} (pid {_process.Id}) did not answer '{request.Op}' within {(timeout ?? _timeout).TotalSeconds:0.#} s and was killed");
        }

        if (reply is null)
        {
            throw Exited(request.Op);
        }

        if (WorkerProtocol.TryReadResponse(reply, out var malformed) is not { } response)
        {
            // A worker that speaks nonsense is in an unknown state: do not ask it anything else.
            Kill();
            throw new ProbeWorkerException($"worker for {Partition.Name} answered '{request.Op}' with a bad response: {malformed}");
        }

        if (!response.Ok)
        {
            throw new ProbeWorkerException($"worker for {Partition.Name} refused '{request.Op}': {response.Error}");
        }

        if (response.Id != id)
        {
            throw new ProbeWorkerException($"worker for {Partition.Name} answered request {response.Id}, expected {id}");
        }

        return response;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                await _process.StandardInput.WriteLineAsync(WorkerProtocol.Write(new WorkerRequest { V = WorkerProtocol.Version, Op = WorkerOps.Exit }));
                await _process.StandardInput.FlushAsync();
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await _process.WaitForExitAsync(cts.Token);
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or InvalidOperationException)
            {
                Kill();
            }
        }

        _process.Dispose();
    }

    private ProbeWorkerException Exited(string op)
    {
        _process.WaitForExit(2000);
        var code = _process.HasExited ? _process.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture) : "unknown";
        string tail;
        lock (_stderr)
        {
            tail = WorkerStderr.Summarize(_stderr.ToString());
        }

        return new ProbeWorkerException($"worker for {Partition.Name} exited (code {code}) during '{op}'{(tail.Length > 0 ? ": " + tail : "")}");
    }

    private void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private void AppendStderr(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_stderr)
        {
            _stderr.AppendLine(line);
        }
    }
}
