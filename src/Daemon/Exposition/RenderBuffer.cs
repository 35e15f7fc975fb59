namespace GpuQos.Daemon.Exposition;

/// <summary>
/// A fixed block that a render fills and hands to its destination stream whenever it is full, so a render of
/// thousands of short lines makes a few large writes. Reused from render to render (under the exporter's lock).
/// </summary>
internal sealed class RenderBuffer
{
    /// <summary>The block's size: below the large object heap's 85,000 bytes, so it is an ordinary object.</summary>
    public const int BlockSize = 64 * 1024;

    private readonly byte[] _block = new byte[BlockSize];
    private Stream _destination = Stream.Null;
    private int _used;

    /// <summary>Starts a render into <paramref name="destination"/>.</summary>
    public void Begin(Stream destination) => (_destination, _used) = (destination, 0);

    /// <summary>At least <paramref name="size"/> free bytes (at most the block's size), after handing on what is held.</summary>
    public Span<byte> Reserve(int size)
    {
        if (_block.Length - _used < size)
        {
            Flush();
        }

        return _block.AsSpan(_used);
    }

    /// <summary>Counts <paramref name="count"/> bytes of the span <see cref="Reserve"/> gave as written.</summary>
    public void Advance(int count) => _used += count;

    public void Write(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > _block.Length)
        {
            Flush();
            _destination.Write(bytes);
            return;
        }

        bytes.CopyTo(Reserve(bytes.Length));
        _used += bytes.Length;
    }

    /// <summary>Hands what is held to the destination.</summary>
    public void Flush()
    {
        if (_used > 0)
        {
            _destination.Write(_block, 0, _used);
            _used = 0;
        }
    }

    /// <summary>Flushes and lets go of the destination.</summary>
    public void End()
    {
        Flush();
        _destination = Stream.Null;
    }
}
