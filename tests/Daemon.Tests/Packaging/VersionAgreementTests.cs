using System.Xml.Linq;
using GpuQos.Daemon.Tests.TestSupport;
using static GpuQos.Daemon.Tests.Operations.ManifestDocuments;

namespace GpuQos.Daemon.Tests.Packaging;

/// <summary>
/// One version: Directory.Build.props's <c>Version</c> (or the git tag that overrides it) feeds
/// <c>gpuqos --version</c>, from which deploy/container/build.sh and deploy/debian/build.sh take the image tag and
/// the package version; the Kubernetes manifests must name that same release.
/// </summary>
public sealed class VersionAgreementTests
{
    [Fact]
    public async Task DaemonSetImage_IsTheImageBuildShNames_AtTheReleaseTheBinaryReports()
    {
        var (code, stdout, stderr) = await DaemonProcess.RunToEndAsync(["--version"]);
        Assert.True(code == 0, stderr);
        var release = PackageVersions.Release(stdout.Trim());

        var image = At(Load(RepoPaths.Combine("deploy", "kubernetes", "daemonset.yaml")).Single(), "spec.template.spec.containers.0.image")?.ToString();

        Assert.Equal($"{PackageVersions.ImageRepository}:{release}", image);
    }

    [Fact]
    public async Task DirectoryBuildPropsVersion_IsTheReleaseTheBinaryReports()
    {
        // A tag vX.Y.Z overrides the property in the build; the property must then be bumped with it, or builds
        // from a checkout without tags would report another release than the manifests name.
        var (_, stdout, _) = await DaemonProcess.RunToEndAsync(["--version"]);
        var props = XDocument.Load(RepoPaths.Combine("Directory.Build.props"));
        var version = props.Descendants("Version").Single().Value;

        Assert.Equal(PackageVersions.Release(stdout.Trim()), version);
    }

    [Fact]
    public void OperationsDoc_NamesTheBuiltImageAndTheAptInstall()
    {
        // The commands users copy: pinning the DaemonSet's image by digest only works with the name it has.
        var doc = File.ReadAllText(RepoPaths.Combine("docs", "operations.md"));

        Assert.Contains($"kustomize edit set image {PackageVersions.ImageRepository}=", doc, StringComparison.Ordinal);
        Assert.Contains("sudo apt install ./artifacts/gpuqos_*.deb", doc, StringComparison.Ordinal);
        Assert.Contains("deploy/container/build.sh", doc, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0.1.0+2d3481c147f7a8c6ba3de650d07a5cc153592924", "0.1.0", "0.1.0", "0.1.0")]
    [InlineData("0.2.0-dev.3+2d3481c147f7a8c6ba3de650d07a5cc153592924", "0.2.0", "0.2.0-dev.3", "0.2.0~dev.3")]
    [InlineData("1.0.0", "1.0.0", "1.0.0", "1.0.0")]
    public void Derivations_MatchWhatTheBuildScriptsDo(string version, string release, string tag, string debian)
    {
        Assert.Equal(release, PackageVersions.Release(version));
        Assert.Equal(tag, PackageVersions.ImageTag(version));
        Assert.Equal(debian, PackageVersions.Debian(version));
    }
}
