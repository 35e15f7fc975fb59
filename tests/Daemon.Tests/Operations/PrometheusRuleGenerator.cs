namespace GpuQos.Daemon.Tests.Operations;

/// <summary>Builds deploy/kubernetes/prometheusrule.yaml from the rule files, keeping their comments.</summary>
public static class PrometheusRuleGenerator
{
    public static string Generate(IEnumerable<string> ruleFiles)
    {
        var text = new System.Text.StringBuilder("""
            # Generated from deploy/prometheus/rules/*.yaml; do not edit. Regenerate with
            #   GPUQOS_UPDATE_MANIFESTS=1 dotnet test tests/Daemon.Tests --filter PrometheusRule
            # The label "release" is what a kube-prometheus-stack Prometheus selects rules by; adjust it to yours.
            apiVersion: monitoring.coreos.com/v1
            kind: PrometheusRule
            metadata:
              name: gpuqos
              namespace: gpuqos
              labels:
                app.kubernetes.io/name: gpuqos
                release: kube-prometheus-stack
            spec:
              groups:

            """);
        foreach (var file in ruleFiles)
        {
            text.Append("    # from deploy/prometheus/rules/").Append(Path.GetFileName(file)).Append('\n');
            var inGroups = false;
            foreach (var line in File.ReadAllLines(file))
            {
                if (!inGroups)
                {
                    inGroups = line.TrimEnd() == "groups:";
                    continue;
                }

                text.Append(line.Length == 0 ? "" : "  " + line).Append('\n');
            }
        }

        return text.ToString();
    }
}
