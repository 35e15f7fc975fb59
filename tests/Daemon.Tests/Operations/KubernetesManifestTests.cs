using System.Diagnostics;
using GpuQos.Daemon.Configuration;
using GpuQos.Daemon.Tests.TestSupport;
using static GpuQos.Daemon.Tests.Operations.ManifestDocuments;

namespace GpuQos.Daemon.Tests.Operations;

/// <summary>deploy/kubernetes: valid against the Kubernetes and prometheus-operator schemas, and shaped as the daemon needs.</summary>
public sealed class KubernetesManifestTests
{
    private static readonly string Dir = RepoPaths.Combine("deploy", "kubernetes");

    [Fact]
    public async Task Manifests_ValidAgainstKubernetesSchemas()
    {
        var files = Directory.GetFiles(Dir, "*.yaml").Order(StringComparer.Ordinal).ToArray();

        var (code, output) = await ValidateAsync(files);

        Assert.True(code == 0, output);
        Assert.Contains($"{files.Length - 1} valid, 0 invalid", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validator_BrokenDaemonSet_Fails()
    {
        // A negative control: the validator must reject what the API server would.
        using var dir = new TempDirectory();
        var broken = File.ReadAllText(Path.Combine(Dir, "daemonset.yaml"))
            .Replace("containerPort: 9450", "containerPort: http-9450", StringComparison.Ordinal);
        var path = dir.Write("daemonset.yaml", broken);

        var (code, output) = await ValidateAsync([path]);

        Assert.Equal(1, code);
        Assert.Contains("containerPort", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Kustomization_ListsEveryManifest()
    {
        var listed = ((List<object>)At(Load(Path.Combine(Dir, "kustomization.yaml"))[0], "resources")!).Select(r => r.ToString()).Order(StringComparer.Ordinal);

        var manifests = Directory.GetFiles(Dir, "*.yaml").Select(Path.GetFileName).Where(f => f != "kustomization.yaml").Order(StringComparer.Ordinal);
        Assert.Equal(manifests, listed);
    }

    [Fact]
    public void DaemonSet_HasWhatTheDaemonNeeds()
    {
        var ds = Load(Path.Combine(Dir, "daemonset.yaml")).Single();
        var pod = At(ds, "spec.template.spec");
        var container = At(pod, "containers.0");

        Assert.Equal("true", At(pod, "hostPID"));
        Assert.NotNull(At(pod, "nodeSelector"));
        Assert.Equal("/healthz", At(container, "livenessProbe.httpGet.path"));
        Assert.Equal("/readyz", At(container, "readinessProbe.httpGet.path"));
        Assert.Equal("9450", At(container, "ports.0.containerPort"));
        foreach (var resource in new[] { "requests.cpu", "requests.memory", "limits.cpu", "limits.memory" })
        {
            Assert.NotNull(At(container, "resources." + resource));
        }

        Assert.Equal("false", At(container, "securityContext.allowPrivilegeEscalation"));
        Assert.Equal("true", At(container, "securityContext.readOnlyRootFilesystem"));
        Assert.Equal(["ALL"], ((List<object>)At(container, "securityContext.capabilities.drop")!).Select(o => o.ToString()));
        var hostPaths = ((List<object>)At(pod, "volumes")!).Select(v => At(v, "hostPath.path")?.ToString()).ToHashSet();
        Assert.Contains("/var/lib/kubelet/pod-resources", hostPaths);
        Assert.Contains("/proc", hostPaths);
        Assert.Contains("/var/lib/gpuqos", hostPaths);
        Assert.Contains("/run/nvidia-mps", hostPaths);

        // The host's cgroup tree is mounted read-only unless an operator opens it for the freeze action.
        var cgroup = ((List<object>)At(container, "volumeMounts")!).Single(m => At(m, "mountPath")?.ToString() == "/sys/fs/cgroup");
        Assert.Equal("true", At(cgroup, "readOnly"));
    }

    [Fact]
    public void ConfigMap_HoldsAValidConfiguration()
    {
        var yaml = At(Load(Path.Combine(Dir, "configmap.yaml")).Single(), "data.gpuqos.yaml")?.ToString();

        Assert.NotNull(yaml);
        Assert.Empty(ConfigLoader.Check(yaml));
    }

    [Fact]
    public void ServiceMonitor_ScrapesTheServicePort()
    {
        var service = Load(Path.Combine(Dir, "service.yaml")).Single();
        var monitor = Load(Path.Combine(Dir, "servicemonitor.yaml")).Single();

        Assert.Equal(At(service, "spec.ports.0.name"), At(monitor, "spec.endpoints.0.port"));
        Assert.Equal("/metrics", At(monitor, "spec.endpoints.0.path"));
        Assert.Equal(Canonical(At(service, "metadata.labels")), Canonical(At(monitor, "spec.selector.matchLabels")));
        // The alert rules select job="gpuqos": the Service's name label must give that job.
        Assert.Equal("gpuqos", At(service, "metadata.labels." + At(monitor, "spec.jobLabel")));
    }

    [Fact]
    public void ServiceMonitorAndPrometheusRule_CarryTheSameLabels_SoOnePrometheusSelectsBoth()
    {
        // With kube-prometheus-stack's defaults a ServiceMonitor without "release" is never scraped, while the
        // PrometheusRule with it loads: the rules would watch nothing, and nothing would fire.
        var monitor = At(Load(Path.Combine(Dir, "servicemonitor.yaml")).Single(), "metadata.labels");
        var rule = At(Load(Path.Combine(Dir, "prometheusrule.yaml")).Single(), "metadata.labels");

        Assert.NotNull(At(rule, "release"));
        Assert.Equal(Canonical(rule), Canonical(monitor));
    }

    [Fact]
    public async Task ObservabilityDoc_PrometheusRuleCommand_GeneratesExactlyTheShippedPrometheusRule()
    {
        // Applying both must not duplicate an alert: the documented command yields the same object, by name.
        var doc = File.ReadAllText(RepoPaths.Combine("docs", "observability.md"));
        var start = doc.IndexOf("```sh\n# prometheusrule", StringComparison.Ordinal);
        Assert.True(start >= 0, "docs/observability.md has no ```sh block starting with '# prometheusrule'");
        var body = doc[(start + "```sh\n".Length)..doc.IndexOf("```", start + 5, StringComparison.Ordinal)];
        const string Apply = "| kubectl apply -f -";
        Assert.Contains(Apply, body, StringComparison.Ordinal);
        using var dir = new TempDirectory();
        var script = dir.Write("generate.sh", body.Replace(Apply, "", StringComparison.Ordinal));

        var psi = new ProcessStartInfo("bash") { WorkingDirectory = RepoPaths.Root, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(script);
        using var bash = Process.Start(psi)!;
        var output = await bash.StandardOutput.ReadToEndAsync();
        var errors = await bash.StandardError.ReadToEndAsync();
        await bash.WaitForExitAsync();
        Assert.True(bash.ExitCode == 0, errors);

        var generated = dir.Write("generated.yaml", output);
        Assert.Equal(Canonical(Load(Path.Combine(Dir, "prometheusrule.yaml")).Single()), Canonical(Load(generated).Single()));
    }

    [Fact]
    public void DaemonSet_ProbesUseTheHealthListenerOfTheConfigMap()
    {
        // A flood of 9450 must not fail the probes (issue 26): they go to web.healthListen, a port of its own.
        var container = At(Load(Path.Combine(Dir, "daemonset.yaml")).Single(), "spec.template.spec.containers.0");
        var config = Model.Configuration.YamlBinder.Load<GpuQosOptions>(At(Load(Path.Combine(Dir, "configmap.yaml")).Single(), "data.gpuqos.yaml")!.ToString()!, "configmap.yaml");
        var ports = ((List<object>)At(container, "ports")!).ToDictionary(p => At(p, "name")!.ToString()!, p => At(p, "containerPort")!.ToString());

        Assert.Equal("health", At(container, "livenessProbe.httpGet.port"));
        Assert.Equal("health", At(container, "readinessProbe.httpGet.port"));
        Assert.NotNull(config.Web.HealthListen);
        Assert.True(SettingsDefaults.TryParseListen(config.Web.HealthListen, out var health));
        Assert.True(SettingsDefaults.TryParseListen(config.Settings.Listen, out var main));
        Assert.Equal(health.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), ports["health"]);
        Assert.Equal(main.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), ports["http"]);
        Assert.NotEqual(main.Port, health.Port);
    }

    [Fact]
    public void NetworkPolicy_AdmitsOnlyTheScraperToTheMainPort()
    {
        var policy = Load(Path.Combine(Dir, "networkpolicy.yaml")).Single();
        var ds = Load(Path.Combine(Dir, "daemonset.yaml")).Single();

        Assert.Equal(Canonical(At(ds, "spec.template.metadata.labels.app.kubernetes.io/name")), Canonical(At(policy, "spec.podSelector.matchLabels.app.kubernetes.io/name")));
        Assert.Equal(["Ingress"], ((List<object>)At(policy, "spec.policyTypes")!).Select(o => o.ToString()));
        var rule = Assert.Single((List<object>)At(policy, "spec.ingress")!);
        var from = Assert.Single((List<object>)At(rule, "from")!);
        // Both selectors in one peer: pods of the scraper in its namespace, not every pod there nor the scraper's label anywhere.
        Assert.NotNull(At(from, "namespaceSelector.matchLabels"));
        Assert.NotNull(At(from, "podSelector.matchLabels"));
        Assert.Equal("http", At(Assert.Single((List<object>)At(rule, "ports")!), "port"));
    }

    [Fact]
    public void PrometheusRule_HasTheGroupsOfDeployPrometheusRules()
    {
        var rulesDir = RepoPaths.Combine("deploy", "prometheus", "rules");
        Assert.True(
            Directory.Exists(rulesDir),
            "deploy/prometheus/rules is missing; deploy/kubernetes/prometheusrule.yaml is generated from it (GPUQOS_UPDATE_MANIFESTS=1 dotnet test --filter PrometheusRule)");
        var files = Directory.GetFiles(rulesDir, "*.yaml").Order(StringComparer.Ordinal).ToArray();
        var target = Path.Combine(Dir, "prometheusrule.yaml");
        if (Environment.GetEnvironmentVariable("GPUQOS_UPDATE_MANIFESTS") == "1")
        {
            File.WriteAllText(target, PrometheusRuleGenerator.Generate(files));
        }

        var expected = files.SelectMany(f => (List<object>)At(Load(f).Single(), "groups")!).ToList();
        var actual = At(Load(target).Single(), "spec.groups");

        Assert.True(Canonical(expected) == Canonical(actual), "deploy/kubernetes/prometheusrule.yaml differs from deploy/prometheus/rules; regenerate it with GPUQOS_UPDATE_MANIFESTS=1 dotnet test tests/Daemon.Tests --filter PrometheusRule");
    }

    private static async Task<(int Code, string Output)> ValidateAsync(IEnumerable<string> files)
    {
        var validator = RepoPaths.Combine("deploy", "kubernetes", "validate");
        Assert.True(
            Directory.Exists(Path.Combine(validator, "node_modules")),
            "the schema validator is not installed: run scripts/setup.sh (it runs npm ci in deploy/kubernetes/validate)");
        var psi = new ProcessStartInfo("node") { WorkingDirectory = validator, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("validate.mjs");
        foreach (var f in files)
        {
            psi.ArgumentList.Add(f);
        }

        using var node = Process.Start(psi)!;
        var stdout = node.StandardOutput.ReadToEndAsync();
        var stderr = node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync();
        return (node.ExitCode, await stdout + await stderr);
    }
}
