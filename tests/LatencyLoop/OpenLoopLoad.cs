namespace GpuQos.LatencyLoop;

/// <summary>How an <see cref="OpenLoopLoad"/> spaces its requests.</summary>
internal enum Arrivals
{
    /// <summary>Evenly, one every 1 / rate seconds: a request never finds another queued unless the service is slowed.</summary>
    Fixed,

    /// <summary>
    /// A Poisson process of the rate (exponential gaps): requests meet each other in the service's queue, so its tail
    /// grows with the load and with the share the neighbours take, as on a server that many independent clients call.
    /// </summary>
    Poisson,
}

/// <summary>
/// A bounded open-loop load generator: GETs a URL at <see cref="Rate"/> requests a second on average, spaced as
/// <see cref="Arrivals"/> says, whether or not the earlier ones have been answered, with at most 200 in flight so
/// an overloaded server cannot make it grow. A request the generator could not send within
/// <see cref="StallTolerance"/> of its time (the generator descheduled, or in GC, on a shared machine) is dropped,
/// not sent late: a burst of late sends queues at the service and reads as a tail the neighbours did not cause.
/// Dropping an arrival thins the process without changing its kind, and the schedule goes on.
/// </summary>
internal sealed class OpenLoopLoad(Uri url, double rate, Arrivals arrivals, int seed = 1) : IAsyncDisposable
{
    /// <summary>How late a request may be sent before it counts as missed and is dropped.</summary>
    public static readonly TimeSpan StallTolerance = TimeSpan.FromMilliseconds(10);

    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly CancellationTokenSource _stop = new();
    private readonly Random _random = new(seed);
    private Task _running = Task.CompletedTask;
    private int _inFlight;
    private long _dropped;

    /// <summary>The mean request rate, per second; may be changed while the load runs, from the next gap on.</summary>
    public double Rate { get; set; } = rate > 0 ? rate : throw new ArgumentOutOfRangeException(nameof(rate), rate, "the rate must be positive");

    /// <summary>How many requests were dropped because the generator could not send them in time.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public void Start() => _running = RunAsync();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _running;
        _http.Dispose();
        _stop.Dispose();
    }

    /// <summary>The gap before the next request, in seconds.</summary>
    private double Gap() => arrivals switch
    {
        Arrivals.Poisson => -Math.Log(1 - _random.NextDouble()) / Rate,
        _ => 1 / Rate,
    };

    private async Task RunAsync()
    {
        var next = DateTime.UtcNow;
        while (!_stop.IsCancellationRequested)
        {
            var now = DateTime.UtcNow;
            if (next > now)
            {
                try
                {
                    await Task.Delay(next - now, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                now = DateTime.UtcNow;
            }

            if (now - next > StallTolerance)
            {
                Interlocked.Increment(ref _dropped);
            }
            else if (Volatile.Read(ref _inFlight) < 200)
            {
                Interlocked.Increment(ref _inFlight);
                _ = SendAsync();
            }

            next += TimeSpan.FromSeconds(Gap());
        }
    }

    private async Task SendAsync()
    {
        try
        {
            using var response = await _http.GetAsync(url, _stop.Token);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            // The service is being stopped, or overloaded; the histogram, not this client, is what is measured.
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }
}
