using Microsoft.IO;
using Prometheus;

namespace GpuQos.Daemon.Exposition;

/// <summary>
/// The registry rendered for <c>/metrics</c>, once per exposition update and format, shared by every scrape of
/// that update. prometheus-net renders the text; this decides when, and into what.
/// </summary>
/// <remarks>
/// <para>
/// A render runs under the exporter's update lock (<see cref="PrometheusExporter.Render"/>), so a scrape never
/// holds half of one collection cycle and half of the next. It goes into pooled blocks
/// (<see cref="RecyclableMemoryStream"/>) rather than straight to the client. The lock is therefore held for the
/// render only, never while the bytes travel to a slow client, and the collection loop never waits on the
/// network.
/// </para>
/// <para>
/// Scrapes of the same update share the render: two Prometheus servers of an HA pair, or fifty scrapers, cost one
/// serialization per update. A render is reference-counted, and its blocks go back to the pool when the next
/// update's render has replaced it and its last scrape has finished sending.
/// </para>
/// </remarks>
public sealed class ScrapeRenders : IDisposable
{
    private static readonly RecyclableMemoryStreamManager Streams = new(new RecyclableMemoryStreamManager.Options
    {
        BlockSize = 128 * 1024,

        // A scale-host render is 2.5 MB in each format; keep enough free blocks for two renders of each, no more.
        MaximumSmallPoolFreeBytes = 16 * 1024 * 1024,
    });

    private readonly PrometheusExporter _exporter;
    private readonly Lock _lock = new();
    private readonly Render?[] _current = new Render?[2];

    private readonly Action _refresh;

    /// <param name="exporter">What is rendered.</param>
    /// <param name="refresh">Brings the exporter up to the latest snapshot before a render
    /// (<see cref="ExpositionConsumer.Refresh"/>); nothing when the exporter is updated by other means.</param>
    public ScrapeRenders(PrometheusExporter exporter, Action? refresh = null)
    {
        _exporter = exporter;
        _refresh = refresh ?? (() => { });
    }

    /// <summary>How many renders were made (for tests: scrapes of one update share one).</summary>
    public long Renders { get; private set; }

    /// <summary>
    /// The render of the latest snapshot in <paramref name="format"/>: the exporter is brought up to that snapshot
    /// first, and the render made now if no scrape of that update made it yet. The caller owns one reference and must <see cref="Render.Release"/> it once the bytes are sent.
    /// </summary>
    public Render Acquire(ExpositionFormat format)
    {
        var slot = format == ExpositionFormat.OpenMetricsText ? 1 : 0;
        _refresh();
        lock (_lock)
        {
            var current = _current[slot];
            if (current is not null && current.Version == _exporter.UpdatesCompleted)
            {
                current.AddReference();
                return current;
            }

            var stream = Streams.GetStream("gpuqos-scrape");
            try
            {
                var version = _exporter.Render(stream, format);
                var render = new Render(version, stream);
                render.AddReference(); // the caller's; the cache holds the first
                _current[slot] = render;
                current?.Release();
                Renders++;
                return render;
            }
            catch
            {
                stream.Dispose();
                throw;
            }
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            for (var i = 0; i < _current.Length; i++)
            {
                _current[i]?.Release();
                _current[i] = null;
            }
        }
    }

    /// <summary>One update rendered in one format, alive while the cache or a scrape holds it.</summary>
    public sealed class Render
    {
        private readonly RecyclableMemoryStream _bytes;
        private int _references = 1;

        internal Render(long version, RecyclableMemoryStream bytes)
        {
            Version = version;
            _bytes = bytes;
        }

        /// <summary>The exposition update it renders (<see cref="PrometheusExporter.UpdatesCompleted"/>).</summary>
        public long Version { get; }

        public long Length => _bytes.Length;

        /// <summary>Sends the bytes; the render stays valid while the caller's reference is held.</summary>
        public async Task WriteToAsync(Stream destination, CancellationToken ct)
        {
            foreach (var block in _bytes.GetReadOnlySequence())
            {
                await destination.WriteAsync(block, ct);
            }
        }

        internal void AddReference() => Interlocked.Increment(ref _references);

        /// <summary>Gives up one reference; the last one returns the blocks to the pool.</summary>
        public void Release()
        {
            if (Interlocked.Decrement(ref _references) == 0)
            {
                _bytes.Dispose();
            }
        }
    }
}
