using System.Reflection;
using System.Runtime.InteropServices;
using GpuQos.Backends.Nvml.Interop;

namespace GpuQos.Backends.Nvml;

/// <summary>
/// Finds <c>libnvidia-ml.so.1</c>. By default the dynamic loader's search applies (<c>LD_LIBRARY_PATH</c>, ld.so.cache),
/// which is how the daemon runs over the stand-in in <c>tests/NvmlStub/build</c>. The environment variable
/// <see cref="PathVariable"/> names an explicit file instead, so that in-process tests can load the stand-in
/// without changing the loader's environment.
/// </summary>
public static class NvmlLibrary
{
    /// <summary>Names the NVML library file to load instead of searching for <c>libnvidia-ml.so.1</c>.</summary>
    public const string PathVariable = "GPUQOS_NVML_LIBRARY";

    private static readonly Lock Gate = new();
    private static bool _resolverSet;
    private static nint _handle;

    /// <summary>Loads the library, or returns false with the reason.</summary>
    public static bool TryLoad(out string reason)
    {
        lock (Gate)
        {
            if (!_resolverSet)
            {
                NativeLibrary.SetDllImportResolver(typeof(NvmlLibrary).Assembly, Resolve);
                _resolverSet = true;
            }

            if (_handle != 0)
            {
                reason = "";
                return true;
            }

            var explicitPath = Environment.GetEnvironmentVariable(PathVariable);
            var name = string.IsNullOrEmpty(explicitPath) ? NvmlNative.Library : explicitPath;
            if (NativeLibrary.TryLoad(name, out _handle))
            {
                reason = "";
                return true;
            }

            reason = string.IsNullOrEmpty(explicitPath)
                ? $"{NvmlNative.Library} could not be loaded; is the NVIDIA driver installed?"
                : $"{PathVariable}={explicitPath} could not be loaded";
            return false;
        }
    }

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (libraryName != NvmlNative.Library)
        {
            return 0;
        }

        lock (Gate)
        {
            return _handle;
        }
    }
}
