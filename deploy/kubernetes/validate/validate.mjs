// Validates Kubernetes manifests offline against the Kubernetes OpenAPI schemas (and the prometheus-operator
// CRD schemas for ServiceMonitor and PrometheusRule), as compiled into validators by the kubernetes-models
// packages. Usage: node validate.mjs FILE...   Exit 0 when every document is valid, 1 otherwise.
// Checked: types, formats, enums and required fields. Not checked: unknown fields (the upstream schemas
// allow them), which the repository's own tests look for where it matters.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { ServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { Service } from "kubernetes-models/v1/Service";
import { Secret } from "kubernetes-models/v1/Secret";
import { DaemonSet } from "kubernetes-models/apps/v1/DaemonSet";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import { ServiceMonitor } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor";
import { PrometheusRule } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule";

const models = {
  "v1/Namespace": Namespace,
  "v1/ServiceAccount": ServiceAccount,
  "v1/ConfigMap": ConfigMap,
  "v1/Service": Service,
  "v1/Secret": Secret,
  "apps/v1/DaemonSet": DaemonSet,
  "networking.k8s.io/v1/NetworkPolicy": NetworkPolicy,
  "monitoring.coreos.com/v1/ServiceMonitor": ServiceMonitor,
  "monitoring.coreos.com/v1/PrometheusRule": PrometheusRule,
};

let failed = 0;
let checked = 0;
for (const file of process.argv.slice(2)) {
  for (const doc of parseAllDocuments(readFileSync(file, "utf8"))) {
    if (doc.errors.length > 0) {
      console.log(`${file}: not valid YAML: ${doc.errors.map((e) => e.message).join("; ")}`);
      failed++;
      continue;
    }

    const object = doc.toJS();
    if (object === null) continue;
    const key = `${object.apiVersion}/${object.kind}`;
    if (key === "kustomize.config.k8s.io/v1beta1/Kustomization") continue;
    const Model = models[key];
    if (!Model) {
      console.log(`${file}: ${key} has no schema here; add it to validate.mjs`);
      failed++;
      continue;
    }

    try {
      new Model(object).validate();
      checked++;
      console.log(`${file}: ${key} ${object.metadata?.name}: valid`);
    } catch (e) {
      failed++;
      const details = (e.errors ?? []).map((x) => `${x.instancePath} ${x.message}`).join("; ");
      console.log(`${file}: ${key} ${object.metadata?.name}: ${details || e.message}`);
    }
  }
}

console.log(`${checked} valid, ${failed} invalid`);
process.exit(failed === 0 && checked > 0 ? 0 : 1);
