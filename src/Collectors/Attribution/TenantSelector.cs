namespace GpuQos.Collectors.Attribution;

/// <summary>A compiled <see cref="TenantSelectorOptions"/>: every field that is set must match (AND).</summary>
public sealed class TenantSelector
{
    private readonly (Glob Glob, Func<AttributionSubject, string> Field)[] _conditions;

    public TenantSelector(TenantSelectorOptions options)
    {
        var conditions = new List<(Glob, Func<AttributionSubject, string>)>();
        Add(options.Namespace, s => s.Namespace);
        Add(options.Pod, s => s.Pod);
        Add(options.Container, s => s.Container);
        Add(options.Cgroup, s => s.Cgroup);
        Add(options.MigUuid, s => s.MigUuid);
        Add(options.Vm, s => s.Vm);
        Add(options.User, s => s.User);
        Add(options.Process, s => s.Process);
        _conditions = [.. conditions];

        void Add(string? pattern, Func<AttributionSubject, string> field)
        {
            if (pattern is not null)
            {
                conditions.Add((new Glob(pattern), field));
            }
        }
    }

    /// <summary>True when every condition matches; a field the subject does not know never matches.</summary>
    public bool Matches(AttributionSubject subject)
    {
        foreach (var (glob, field) in _conditions)
        {
            if (!glob.Matches(field(subject)))
            {
                return false;
            }
        }

        return _conditions.Length > 0;
    }
}
