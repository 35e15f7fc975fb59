namespace GpuQos.Collectors.Attribution;

/// <summary>
/// The tenant catalogue in force, replaced whole when the configuration is reloaded. A reload only stages
/// the new catalogue; <see cref="Commit"/>, called between two collection cycles, makes it current. So every
/// process of one snapshot is attributed with the same catalogue, and a reader never sees a half-built one.
/// </summary>
public sealed class TenantCatalogSwitch(TenantCatalog initial)
{
    private volatile TenantCatalog _current = initial;
    private TenantCatalog? _staged;

    /// <summary>The catalogue attribution answers from now.</summary>
    public TenantCatalog Current => _current;

    /// <summary>Stages <paramref name="next"/>; it replaces the current catalogue at the next <see cref="Commit"/>. A later stage wins.</summary>
    public void Stage(TenantCatalog next)
    {
        ArgumentNullException.ThrowIfNull(next);
        Volatile.Write(ref _staged, next);
    }

    /// <summary>Makes the staged catalogue current, if one is staged; returns whether it did. Call between cycles.</summary>
    public bool Commit()
    {
        if (Interlocked.Exchange(ref _staged, null) is not { } next)
        {
            return false;
        }

        _current = next;
        return true;
    }
}
