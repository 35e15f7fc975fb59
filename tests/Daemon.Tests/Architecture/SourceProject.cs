namespace GpuQos.Daemon.Tests.Architecture;

/// <summary>What one src csproj declares.</summary>
/// <param name="Name">The project's file name without <c>.csproj</c>, e.g. <c>GpuQos.Model</c>.</param>
/// <param name="Projects">The names of the projects it references.</param>
/// <param name="Packages">The packages it references.</param>
/// <param name="BuildsFirst">Projects it only builds before itself (<c>ReferenceOutputAssembly="false"</c>), compiled against nothing of them.</param>
internal sealed record SourceProject(string Name, IReadOnlyList<string> Projects, IReadOnlyList<string> Packages, IReadOnlyList<string> BuildsFirst);
