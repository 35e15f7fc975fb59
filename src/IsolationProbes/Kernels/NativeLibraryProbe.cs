using System.Runtime.InteropServices;

namespace GpuQos.IsolationProbes.Kernels;

/// <summary>Checks whether a native library can be loaded, without keeping it loaded.</summary>
internal static class NativeLibraryProbe
{
    public static bool CanLoad(string name)
    {
        if (!NativeLibrary.TryLoad(name, out var handle))
        {
            return false;
        }

        NativeLibrary.Free(handle);
        return true;
    }
}
