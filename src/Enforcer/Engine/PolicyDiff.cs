namespace GpuQos.Enforcer.Engine;

/// <summary>What a configuration reload did to the policies (see <see cref="SlaEnforcer.Reconfigure"/>).</summary>
/// <param name="Kept">Unchanged: state and actions in force kept.</param>
/// <param name="Added">New: starting in ok.</param>
/// <param name="Changed">Changed: actions lifted, state dropped, starting again in ok.</param>
/// <param name="Removed">Gone: actions lifted, state dropped.</param>
/// <param name="Lifted">Actions lifted because their policy changed or was removed.</param>
public sealed record PolicyDiff(IReadOnlyList<string> Kept, IReadOnlyList<string> Added, IReadOnlyList<string> Changed, IReadOnlyList<string> Removed, int Lifted)
{
    /// <summary>Nothing changed.</summary>
    public static PolicyDiff Empty { get; } = new([], [], [], [], 0);
}
