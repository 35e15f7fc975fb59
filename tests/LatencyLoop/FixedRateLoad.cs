namespace GpuQos.LatencyLoop;

/// <summary>
/// A bounded open-loop load generator: GETs a URL at <see cref="Rate"/> requests a second, whether or not the
/// earlier ones have been answered, with at most 200 in flight so an overloaded server cannot make it grow.
/// The sends missed while the generator itself stalls (descheduled, or in GC, on a shared machine) are dropped,
/// not sent late in a burst: a burst queues at the service and reads as a tail the burner did not cause.
/// </summary>
internal sealed class FixedRateLoad(Uri url, double rate) : IAsyncDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly CancellationTokenSource _stop = new();
    private Task _running = Task.CompletedTask;
    private int _inFlight;
    private long _dropped;

    public double Rate { get; set; } = rate;

    /// <summary>How many times the generator fell a whole interval behind and dropped the sends it missed.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public void Start() => _running = RunAsync();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _running;
        _http.Dispose();
        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        var next = DateTime.UtcNow;
        while (!_stop.IsCancellationRequested)
        {
            if (Volatile.Read(ref _inFlight) < 200)
            {
                Interlocked.Increment(ref _inFlight);
                _ = SendAsync();
            }

            next += TimeSpan.FromSeconds(1 / Rate);
            var now = DateTime.UtcNow;
            if (next < now)
            {
                // Behind by a whole interval or more: the next send is now, not the ones missed.
                Interlocked.Increment(ref _dropped);
                next = now;
            }

            var wait = next - now;
            try
            {
                await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
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
