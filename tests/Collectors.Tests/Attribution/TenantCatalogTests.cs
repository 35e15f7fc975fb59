using GpuQos.Collectors.Attribution;

namespace GpuQos.Collectors.Tests.Attribution;

public sealed class TenantCatalogTests
{
    private static readonly TenantCatalog Catalog = new(
    [
        new TenantOptions { Name = "llm", Match = [new TenantSelectorOptions { Namespace = "llm-*", Container = "triton" }] },
        new TenantOptions { Name = "mig-owner", Match = [new TenantSelectorOptions { MigUuid = "MIG-ba28*" }] },
        new TenantOptions { Name = "research", Match = [new TenantSelectorOptions { User = "research" }, new TenantSelectorOptions { Cgroup = "/system.slice/docker-*.scope" }] },
        new TenantOptions { Name = "notebooks", Match = [new TenantSelectorOptions { Process = "jupyter-?ernel" }] },
        new TenantOptions { Name = "vdi", Match = [new TenantSelectorOptions { Vm = "vm-vdi-*" }] },
        new TenantOptions { Name = "everyone", Match = [new TenantSelectorOptions { Pod = "*" }] },
    ]);

    [Fact]
    public void Match_AllFieldsOfASelectorMustMatch()
    {
        Assert.Equal("llm", Catalog.Match(new AttributionSubject { Namespace = "llm-prod", Container = "triton" }));
        Assert.Equal("", Catalog.Match(new AttributionSubject { Namespace = "llm-prod", Container = "sidecar" }));
    }

    [Fact]
    public void Match_AnySelectorOfATenantMatches()
    {
        Assert.Equal("research", Catalog.Match(new AttributionSubject { User = "research" }));
        Assert.Equal("research", Catalog.Match(new AttributionSubject { Cgroup = "/system.slice/docker-e1d2.scope" }));
    }

    [Fact]
    public void Match_FirstTenantWins()
    {
        // Inside the claimed MIG instance, a research user's process is the instance owner's: mig-owner comes first.
        Assert.Equal("mig-owner", Catalog.Match(new AttributionSubject { MigUuid = "MIG-ba284ac3", User = "research" }));

        // A process whose own selector comes before the MIG claim keeps its own tenant.
        Assert.Equal("llm", Catalog.Match(new AttributionSubject { MigUuid = "MIG-ba284ac3", Namespace = "llm-a", Container = "triton" }));
    }

    [Theory]
    [InlineData("jupyter-kernel", "notebooks")]
    [InlineData("jupyter-Kernel", "notebooks")]
    [InlineData("jupyter-kernels", "")] // globs match the whole value
    [InlineData("xjupyter-kernel", "")]
    public void Match_GlobsAreWholeValue(string process, string tenant) =>
        Assert.Equal(tenant, Catalog.Match(new AttributionSubject { Process = process }));

    [Fact]
    public void Match_UnknownFieldNeverMatches_EvenAStar() => Assert.Equal("", Catalog.Match(new AttributionSubject { User = "bob" }));

    [Fact]
    public void Match_RegexCharactersAreLiteral() =>
        Assert.Equal("", new TenantCatalog([new TenantOptions { Name = "t", Match = [new TenantSelectorOptions { Pod = "a.b" }] }]).Match(new AttributionSubject { Pod = "axb" }));
}
