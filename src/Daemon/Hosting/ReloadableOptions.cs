using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Options;

namespace GpuQos.Daemon.Hosting;

/// <summary>
/// An options monitor whose value the configuration reload replaces. Features read
/// <see cref="IOptionsMonitor{T}.CurrentValue"/> each time they need it, or subscribe with
/// <see cref="IOptionsMonitor{T}.OnChange"/> to rebuild what they derived from it (tenant selectors, policies).
/// </summary>
public sealed class ReloadableOptions<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] T>(T initial) : IOptionsMonitor<T>
    where T : class
{
    private readonly Lock _lock = new();
    private readonly List<Action<T, string?>> _listeners = [];
    private volatile T _current = initial;

    /// <inheritdoc />
    public T CurrentValue => _current;

    /// <inheritdoc />
    public T Get(string? name) => _current;

    /// <inheritdoc />
    public IDisposable? OnChange(Action<T, string?> listener)
    {
        lock (_lock)
        {
            _listeners.Add(listener);
        }

        return new Subscription(this, listener);
    }

    /// <summary>Makes <paramref name="value"/> current and tells every listener. A listener that throws does not stop the others.</summary>
    public IReadOnlyList<Exception> Apply(T value)
    {
        Action<T, string?>[] listeners;
        lock (_lock)
        {
            _current = value;
            listeners = [.. _listeners];
        }

        var failures = new List<Exception>();
        foreach (var listener in listeners)
        {
            try
            {
                listener(value, Options.DefaultName);
            }
            catch (Exception ex)
            {
                failures.Add(ex);
            }
        }

        return failures;
    }

    private sealed class Subscription(ReloadableOptions<T> owner, Action<T, string?> listener) : IDisposable
    {
        public void Dispose()
        {
            lock (owner._lock)
            {
                owner._listeners.Remove(listener);
            }
        }
    }
}
