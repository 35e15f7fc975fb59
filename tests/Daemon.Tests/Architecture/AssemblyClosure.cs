using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace GpuQos.Daemon.Tests.Architecture;

/// <summary>
/// The assemblies an assembly reaches through the references compiled into it, read from the metadata of the
/// files in one build output (never loaded, so the test process's own references do not count). Framework
/// assemblies are not in the output and end the walk.
/// </summary>
internal static class AssemblyClosure
{
    /// <summary>The names of <paramref name="entry"/> and every assembly it reaches, as their references spell them.</summary>
    public static IReadOnlySet<string> Of(string directory, string entry)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([entry]);
        while (pending.TryPop(out var name))
        {
            var file = Path.Combine(directory, name + ".dll");
            if (!seen.Add(name) || !File.Exists(file))
            {
                continue;
            }

            using var stream = File.OpenRead(file);
            using var pe = new PEReader(stream);
            var metadata = pe.GetMetadataReader();
            foreach (var handle in metadata.AssemblyReferences)
            {
                pending.Push(metadata.GetString(metadata.GetAssemblyReference(handle).Name));
            }
        }

        return seen;
    }
}
