using System.Runtime.InteropServices;

namespace GpuQos.Backends.Nvml;

/// <summary>
/// The names of one GPU's processes, read once per PID while the PID stays on the GPU. A name costs a procfs read
/// (or an NVML call when procfs does not show the process), and the backend needs every name every cycle: for the
/// MPS server check of the sharing mode, and for the process readings. Each fresh list of the GPU's running
/// processes is one pass; a PID missing from a pass is forgotten, so a reused PID is read again once it reappears.
/// </summary>
internal sealed class ProcessNameCache
{
    private readonly Dictionary<int, (string Name, int Pass)> _names = [];
    private int _pass;

    /// <summary>How many names are held (for tests).</summary>
    public int Count => _names.Count;

    /// <summary>Starts a pass over every running process of the GPU; names not looked up before <see cref="EndPass"/> are dropped.</summary>
    public void BeginPass() => _pass++;

    /// <summary>Drops the names of processes the pass did not look up: they have left the GPU.</summary>
    public void EndPass()
    {
        foreach (var (pid, entry) in _names)
        {
            if (entry.Pass != _pass)
            {
                _names.Remove(pid); // allowed while enumerating since .NET Core 3.0
            }
        }
    }

    /// <summary>The name held for <paramref name="pid"/>, marked as seen in this pass.</summary>
    public bool TryGet(int pid, out string name)
    {
        ref var entry = ref CollectionsMarshal.GetValueRefOrNullRef(_names, pid);
        if (System.Runtime.CompilerServices.Unsafe.IsNullRef(ref entry))
        {
            name = "";
            return false;
        }

        entry.Pass = _pass;
        name = entry.Name;
        return true;
    }

    public void Remember(int pid, string name) => _names[pid] = (name, _pass);
}
