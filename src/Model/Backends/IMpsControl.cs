namespace GpuQos.Model.Backends;

/// <summary>
/// The MPS control daemon (<c>nvidia-cuda-mps-control</c>), as its command shell exposes it. MPS runs one server
/// per user ID; a server's settings reach the clients that connect to it afterwards, and a default reaches only
/// servers started afterwards. Every call throws <see cref="GpuBackendException"/> when the daemon answers with
/// an error or an answer that is not what the command returns.
/// </summary>
public interface IMpsControl
{
    /// <summary>The PIDs of the running MPS servers (<c>get_server_list</c>).</summary>
    IReadOnlyList<int> Servers();

    /// <summary>The PIDs of a server's clients (<c>get_client_list</c>).</summary>
    IReadOnlyList<int> Clients(int server);

    /// <summary>A server's active thread percentage (<c>get_active_thread_percentage</c>).</summary>
    int GetActiveThreadPercentage(int server);

    /// <summary>Sets a server's active thread percentage (<c>set_active_thread_percentage</c>); reaches clients created afterwards.</summary>
    void SetActiveThreadPercentage(int server, int percentage);

    /// <summary>
    /// A server's pinned device-memory limit on a device (<c>get_device_pinned_mem_limit</c>), exactly as the
    /// daemon spells it (<c>0</c>, <c>2048M</c>, <c>2G</c>…), so it can be set back unchanged.
    /// </summary>
    string GetPinnedMemoryLimit(int server, int device);

    /// <summary>Sets a server's pinned device-memory limit (<c>set_device_pinned_mem_limit</c>); reaches clients created afterwards.</summary>
    void SetPinnedMemoryLimit(int server, int device, string limit);
}
