using System.Reflection;

namespace GpuQos.Daemon.Tests.Architecture;

/// <summary>
/// The house's layering (docs/architecture.md): GpuQos.Model at the bottom, referenced by every other src
/// project and referencing none; Enforcer, IsolationProbes and Advisor see only the model, so they inherit
/// neither gRPC, protobuf, the backends nor the collectors. ILGPU lives in gpuqos-probe (GpuQos.ProbeWorker) alone:
/// gpuqos is compiled ahead of time, and ILGPU generates code at run time. Checked twice: in the csproj files,
/// where a reference is declared, and in the compiled assemblies, where a type is actually used.
/// </summary>
public sealed class ProjectLayeringTests
{
    private const string Model = "GpuQos.Model";
    private const string Daemon = "GpuQos.Daemon";
    private const string ProbeWorker = "GpuQos.ProbeWorker";

    /// <summary>The projects that must see the model only.</summary>
    public static TheoryData<string> Consumers { get; } = new("GpuQos.Enforcer", "GpuQos.IsolationProbes", "GpuQos.Advisor");

    /// <summary>The model and its consumers: none may reach what the collectors and backends bring.</summary>
    public static TheoryData<string> ModelAndConsumers { get; } = new(Model, "GpuQos.Enforcer", "GpuQos.IsolationProbes", "GpuQos.Advisor");

    private static readonly SourceProjects Projects = SourceProjects.Load();

    [Fact]
    public void Model_ReferencesNoOtherProject()
    {
        Assert.Empty(Projects[Model].Projects);
    }

    [Fact]
    public void EveryOtherProject_ReferencesTheModel()
    {
        var others = Projects.Names.Where(n => n != Model).ToList();

        Assert.Contains("GpuQos.Collectors", others);
        Assert.Contains("GpuQos.Backends", others);
        Assert.All(others, name => Assert.Contains(Model, Projects.ProjectClosure(name)));
    }

    [Theory]
    [MemberData(nameof(Consumers))]
    public void Consumer_ReferencesOnlyTheModel(string project)
    {
        Assert.Equal([Model], Projects[project].Projects);
    }

    [Theory]
    [MemberData(nameof(ModelAndConsumers))]
    public void ModelOrConsumer_InheritsNoGrpcProtobufBackendsOrCollectors(string project)
    {
        var reached = Projects.ProjectClosure(project);
        var packages = Projects.PackageClosure(project);

        Assert.DoesNotContain("GpuQos.Backends", reached);
        Assert.DoesNotContain("GpuQos.Collectors", reached);
        Assert.DoesNotContain(packages, Forbidden);
    }

    [Fact]
    public void PackageClosure_OfTheDaemon_SeesGrpcThroughTheCollectors()
    {
        // The control for the check above: the scan finds gRPC and protobuf where they are, two projects down.
        var packages = Projects.PackageClosure("GpuQos.Daemon");

        Assert.DoesNotContain("Grpc.Net.Client", Projects["GpuQos.Daemon"].Packages);
        Assert.Contains("Grpc.Net.Client", packages);
        Assert.Contains("Google.Protobuf", packages);
    }

    [Theory]
    [MemberData(nameof(ModelAndConsumers))]
    public void CompiledAssembly_ReferencesNoGrpcProtobufBackendsOrCollectors(string project)
    {
        var referenced = Assembly.Load(project).GetReferencedAssemblies().Select(a => a.Name!).ToList();

        Assert.NotEmpty(referenced);
        Assert.DoesNotContain(referenced, Forbidden);
        if (project == Model)
        {
            Assert.DoesNotContain(referenced, name => name.StartsWith("GpuQos.", StringComparison.Ordinal));
        }
        else
        {
            Assert.Contains(Model, referenced);
        }
    }

    [Fact]
    public void Daemon_ReachesNoIlgpu_ItOnlyBuildsTheProbeWorkerFirst()
    {
        Assert.DoesNotContain(ProbeWorker, Projects.ProjectClosure(Daemon));
        Assert.DoesNotContain(Projects.PackageClosure(Daemon), IsIlgpu);
        Assert.Contains(ProbeWorker, Projects[Daemon].BuildsFirst);
    }

    [Fact]
    public void PackageClosure_OfTheProbeWorker_HasIlgpu()
    {
        // The control for the check above: the same scan finds ILGPU where it is.
        Assert.Contains(Projects.PackageClosure(ProbeWorker), IsIlgpu);
        Assert.Contains("GpuQos.IsolationProbes", Projects.ProjectClosure(ProbeWorker));
    }

    [Fact]
    public void CompiledDaemon_ReachesNoIlgpu_TheWorkerBesideItDoes()
    {
        // Both sit in this test's output directory: the build copies gpuqos-probe and ILGPU beside gpuqos.
        var output = AppContext.BaseDirectory;
        var daemon = AssemblyClosure.Of(output, "gpuqos");
        var worker = AssemblyClosure.Of(output, "gpuqos-probe");

        Assert.Contains("GpuQos.IsolationProbes", daemon);
        Assert.DoesNotContain(daemon, IsIlgpu);
        Assert.DoesNotContain("gpuqos-probe", daemon);
        Assert.Contains("GpuQos.IsolationProbes", worker);
        Assert.Contains(worker, IsIlgpu);
    }

    [Fact]
    public void DaemonDependencyManifest_ListsNoIlgpu_TheWorkersDoes()
    {
        // What the runtime and the publish of gpuqos take as its dependencies: ILGPU must not be among them.
        var daemon = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "gpuqos.deps.json"));
        var worker = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "gpuqos-probe.deps.json"));

        Assert.Contains("GpuQos.IsolationProbes", daemon, StringComparison.Ordinal);
        Assert.DoesNotContain("ILGPU", daemon, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("\"ILGPU/", worker, StringComparison.Ordinal);
    }

    private static bool IsIlgpu(string name) => name.StartsWith("ILGPU", StringComparison.OrdinalIgnoreCase);

    private static bool Forbidden(string name) =>
        name.StartsWith("Grpc.", StringComparison.Ordinal)
        || name.StartsWith("Google.Protobuf", StringComparison.Ordinal)
        || name is "GpuQos.Backends" or "GpuQos.Collectors";
}
