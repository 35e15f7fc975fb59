using System.Xml.Linq;
using GpuQos.Daemon.Tests.TestSupport;

namespace GpuQos.Daemon.Tests.Architecture;

/// <summary>
/// The src projects as their csproj files declare them: each one's project references and package references,
/// read from the files themselves so that a reference added anywhere is seen, whether or not code uses it yet.
/// </summary>
internal sealed class SourceProjects
{
    private readonly Dictionary<string, SourceProject> _projects;

    private SourceProjects(Dictionary<string, SourceProject> projects) => _projects = projects;

    /// <summary>Every <c>src/*/*.csproj</c> of the repository.</summary>
    public static SourceProjects Load() => Load(RepoPaths.Combine("src"));

    /// <summary>
    /// Every <c>*/*.csproj</c> below <paramref name="srcDirectory"/>, less compiler plug-ins (<c>IsRoslynComponent</c>,
    /// the configuration binding generator): they run in the compiler, are in no assembly, and are no layer.
    /// </summary>
    public static SourceProjects Load(string srcDirectory)
    {
        var projects = Directory.GetFiles(srcDirectory, "*.csproj", SearchOption.AllDirectories)
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(p => !File.ReadAllText(p).Contains("<IsRoslynComponent>true</IsRoslynComponent>", StringComparison.Ordinal))
            .Select(Read)
            .ToDictionary(p => p.Name, StringComparer.Ordinal);
        return new(projects);
    }

    /// <summary>The project names (file names without <c>.csproj</c>).</summary>
    public IReadOnlyCollection<string> Names => _projects.Keys;

    /// <summary>One project's own declarations.</summary>
    public SourceProject this[string name] => _projects.TryGetValue(name, out var p)
        ? p
        : throw new KeyNotFoundException($"no src project named {name} (found {string.Join(", ", _projects.Keys)})");

    /// <summary>The projects <paramref name="name"/> reaches through project references, itself excluded.</summary>
    public IReadOnlySet<string> ProjectClosure(string name)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>(this[name].Projects);
        while (pending.TryPop(out var next))
        {
            if (seen.Add(next) && _projects.TryGetValue(next, out var project))
            {
                foreach (var p in project.Projects)
                {
                    pending.Push(p);
                }
            }
        }

        return seen;
    }

    /// <summary>The packages <paramref name="name"/> inherits: its own and those of every project it reaches.</summary>
    public IReadOnlySet<string> PackageClosure(string name) =>
        ProjectClosure(name).Where(_projects.ContainsKey).Append(name)
            .SelectMany(p => _projects[p].Packages)
            .ToHashSet(StringComparer.Ordinal);

    private static SourceProject Read(string path)
    {
        var xml = XDocument.Load(path);
        var directory = Path.GetDirectoryName(path)!;
        var references = xml.Descendants("ProjectReference")
            .Select(e => (Name: Path.GetFileNameWithoutExtension(Path.GetFullPath(Path.Combine(directory, (string)e.Attribute("Include")!))),
                CompiledAgainst: !string.Equals((string?)e.Attribute("ReferenceOutputAssembly"), "false", StringComparison.OrdinalIgnoreCase)))
            .ToList();

        // A reference with ReferenceOutputAssembly="false" only orders the build (gpuqos-probe is built before
        // gpuqos and copied beside it): nothing of it, its packages included, flows into the referencing project.
        var projects = references.Where(r => r.CompiledAgainst).Select(r => r.Name).ToList();
        var buildsFirst = references.Where(r => !r.CompiledAgainst).Select(r => r.Name).ToList();

        // Counted even where PrivateAssets keeps it from flowing on: a consumer should not need one either way.
        var packages = xml.Descendants("PackageReference")
            .Select(e => (string)e.Attribute("Include")!)
            .ToList();
        return new(Path.GetFileNameWithoutExtension(path), projects, packages, buildsFirst);
    }
}
