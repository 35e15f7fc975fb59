using System.Diagnostics;
using GpuQos.IsolationProbes.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace GpuQos.IsolationProbes.Worker;

/// <summary>
/// The probe worker's loop (<c>gpuqos-probe</c>): reads requests line by line, runs the kernels on
/// its accelerator, and answers each line. A bad request gets an error reply; the loop goes on.
/// </summary>
internal sealed class ProbeWorker(ProbeDevice device, WorkerInfo info, TextWriter output, long? memoryLimit = null)
{
    private bool _limited;
    private readonly Lock _writeLock = new();
    private CancellationTokenSource? _aggressorStop;
    private Task<long>? _aggressor;

    /// <summary>Serves requests from <paramref name="input"/> until it closes or an exit request arrives.</summary>
    public async Task RunAsync(TextReader input)
    {
        while (await input.ReadLineAsync() is { } line)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var request = WorkerProtocol.TryRead(line, out var id, out var error);
            if (request is null)
            {
                Reply(new WorkerResponse { Id = id, Ok = false, Error = error });
                continue;
            }

            if (request.Op == WorkerOps.Exit)
            {
                await StopAggressorAsync();
                Reply(new WorkerResponse { Id = request.Id, Ok = true });
                return;
            }

            WorkerResponse response;
            try
            {
                response = await HandleAsync(request);
            }
            catch (Exception ex)
            {
                response = new WorkerResponse { Ok = false, Error = $"{request.Op} failed: {ex.GetType().Name}: {ex.Message}" };
            }

            Reply(response with { Id = request.Id });
        }

        await StopAggressorAsync();
    }

    private async Task<WorkerResponse> HandleAsync(WorkerRequest r) => r.Op switch
    {
        WorkerOps.Hello => new WorkerResponse { Ok = true, Info = info },
        WorkerOps.Measure => new WorkerResponse { Ok = true, TimingsSeconds = Measure(r) },
        WorkerOps.Aggress => StartAggressor(r),
        WorkerOps.Stop => new WorkerResponse { Ok = true, Value = await StopAggressorAsync() },
        WorkerOps.Capacity => new WorkerResponse { Ok = true, Value = Capacity(r) },
        WorkerOps.CanaryWrite => CanaryWrite(r),
        WorkerOps.CanaryScan => new WorkerResponse { Ok = true, Value = CanaryScan(r) },
        WorkerOps.Integrity => new WorkerResponse { Ok = true, Value = Integrity(r) },
        WorkerOps.CovertSend => CovertSend(r),
        WorkerOps.CovertReceive => new WorkerResponse { Ok = true, Counts = CovertReceive(r) },
        _ => new WorkerResponse { Ok = false, Error = $"op: '{r.Op}' is unknown" },
    };

    private double[] Measure(WorkerRequest r)
    {
        using var victim = VictimKernel.Create(device, r.Kernel!, r.Size, r.Iterations, info.CacheBytes);
        for (var i = 0; i < r.Warmup; i++)
        {
            victim.Run();
        }

        var timings = new double[r.Repetitions];
        for (var i = 0; i < timings.Length; i++)
        {
            timings[i] = victim.Run().TotalSeconds;
        }

        return timings;
    }

    private WorkerResponse StartAggressor(WorkerRequest r)
    {
        if (_aggressor is not null)
        {
            return new WorkerResponse { Ok = false, Error = "an aggressor is already running; send stop first" };
        }

        var kernel = VictimKernel.Create(device, r.Kernel!, r.Size, r.Iterations, info.CacheBytes);
        var stop = new CancellationTokenSource();
        _aggressorStop = stop;
        _aggressor = Task.Factory.StartNew(
            () =>
            {
                using (kernel)
                {
                    long n = 0;
                    while (!stop.IsCancellationRequested)
                    {
                        kernel.Run();
                        n++;
                    }

                    return n;
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
        return new WorkerResponse { Ok = true };
    }

    private async Task<long> StopAggressorAsync()
    {
        if (_aggressor is null || _aggressorStop is null)
        {
            return 0;
        }

        await _aggressorStop.CancelAsync();
        var n = await _aggressor;
        _aggressorStop.Dispose();
        _aggressor = null;
        _aggressorStop = null;
        return n;
    }

    private long Capacity(WorkerRequest r)
    {
        if (memoryLimit is { } limit && !_limited)
        {
            // Run the paths the probe ends on once while memory is plentiful: a method's first call compiles it, and
            // compiling under an exhausted address space is an allocation of the runtime's own that it cannot survive.
            WarmAllocationPaths();

            // Applied when the probe starts, not at process start: the runtime and ILGPU map and unmap
            // tens of MiB while they warm up, which would otherwise count as the tenant's own.
            GC.Collect();
            PosixBinding.LimitFurtherAddressSpace(limit);
            _limited = true;
        }

        // Under the limit, one step of address space is held back and given up the moment an allocation fails, so
        // that the exception, the unwinding and the frees after it have room: without it the runtime meets the limit
        // in the middle of its own work and aborts the worker (a fatal error, exit 134) instead of it reporting.
        // It is memory the worker held under the limit, so it counts in what was found.
        using var reserve = _limited ? PosixBinding.ReserveAddressSpace(r.StepBytes) : null;

        // Sized before the first step: under the address-space limit a list that grows could itself be what runs
        // out, outside the guarded allocation, and the worker would die of it instead of reporting what it held.
        var held = new List<MemoryBuffer1D<byte, Stride1D.Dense>>((int)Math.Min(r.Size / Math.Max(1, r.StepBytes) + 1, 1 << 20));
        var total = reserve?.Bytes ?? 0;
        try
        {
            while (total + r.StepBytes <= r.Size && held.Count < held.Capacity)
            {
                MemoryBuffer1D<byte, Stride1D.Dense> buffer;
                try
                {
                    buffer = device.Accelerator.Allocate1D<byte>(r.StepBytes);
                }
                catch (Exception ex) when (ex is OutOfMemoryException or AcceleratorException or InsufficientExecutionStackException)
                {
                    reserve?.Dispose();
                    break;
                }

                held.Add(buffer);
                total += r.StepBytes;
            }

            return total;
        }
        finally
        {
            reserve?.Dispose();
            foreach (var buffer in held)
            {
                buffer.Dispose();
            }
        }
    }

    private void WarmAllocationPaths()
    {
        using (device.Accelerator.Allocate1D<byte>(1))
        {
        }

        try
        {
            // More than any machine has: fails the way the probe's last step does.
            using var _ = device.Accelerator.Allocate1D<byte>(long.MaxValue / 4);
        }
        catch (Exception ex) when (ex is OutOfMemoryException or AcceleratorException or ArgumentException or InsufficientExecutionStackException)
        {
            // Expected.
        }
    }

    private WorkerResponse CanaryWrite(WorkerRequest r)
    {
        using var buffer = device.Accelerator.Allocate1D<long>(r.Size / sizeof(long));
        device.Fill(buffer, r.Pattern);
        return new WorkerResponse { Ok = true, Value = buffer.Length };
    }

    private long CanaryScan(WorkerRequest r)
    {
        // Deliberately not initialised: whatever the allocator hands over is what a tenant could read.
        using var buffer = device.Accelerator.Allocate1D<long>(r.Size / sizeof(long));
        return device.CountCanary(buffer, r.Pattern);
    }

    private long Integrity(WorkerRequest r)
    {
        using var buffer = device.Accelerator.Allocate1D<long>(r.Size / sizeof(long));
        device.Fill(buffer, r.Pattern);
        long mismatches = 0;
        for (var i = 0; i < r.Repetitions; i++)
        {
            mismatches += device.CountMismatches(buffer, r.Pattern);
        }

        return mismatches;
    }

    private WorkerResponse CovertSend(WorkerRequest r)
    {
        using var kernel = VictimKernel.Create(device, "fma", r.Size, r.Iterations, info.CacheBytes);
        var slotTicks = SlotTicks(r.SlotNanoseconds);
        for (var bit = 0; bit < r.Bits!.Length; bit++)
        {
            var slotEnd = r.StartTicks + ((bit + 1) * slotTicks);
            WaitUntil(r.StartTicks + (bit * slotTicks));
            if (r.Bits[bit] == '1')
            {
                while (Stopwatch.GetTimestamp() < slotEnd)
                {
                    kernel.Run();
                }
            }
        }

        return new WorkerResponse { Ok = true, Value = r.Bits.Length };
    }

    private long[] CovertReceive(WorkerRequest r)
    {
        using var kernel = VictimKernel.Create(device, "fma", r.Size, r.Iterations, info.CacheBytes);
        var slotTicks = SlotTicks(r.SlotNanoseconds);
        var counts = new long[r.BitCount];
        WaitUntil(r.StartTicks);
        for (var bit = 0; bit < counts.Length; bit++)
        {
            var slotEnd = r.StartTicks + ((bit + 1) * slotTicks);
            while (Stopwatch.GetTimestamp() < slotEnd)
            {
                kernel.Run();
                counts[bit]++;
            }
        }

        return counts;
    }

    private static long SlotTicks(long nanoseconds) => (long)(nanoseconds * (Stopwatch.Frequency / 1e9));

    private static void WaitUntil(long ticks)
    {
        // Sleep most of the way (an idle sender must not contend), then spin the last millisecond.
        var remaining = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), ticks);
        if (remaining > TimeSpan.FromMilliseconds(2))
        {
            Thread.Sleep(remaining - TimeSpan.FromMilliseconds(1));
        }

        while (Stopwatch.GetTimestamp() < ticks)
        {
            Thread.SpinWait(50);
        }
    }

    private void Reply(WorkerResponse response)
    {
        lock (_writeLock)
        {
            output.WriteLine(WorkerProtocol.Write(response));
            output.Flush();
        }
    }
}
