/**
 * kubectl's names for each built-in kind: singular, plural and short names, as the API server gives them (`kubectl
 * api-resources` of Kubernetes 1.34, and the kinds its API server serves behind a feature gate: leasecandidates,
 * clustertrustbundles, podcertificaterequests, devicetaintrules, mutatingadmissionpolicies, storageversionmigrations,
 * storageversions).
 */
const KINDS: readonly (readonly string[])[] = [
  // v1
  ['binding', 'bindings'],
  ['componentstatus', 'componentstatuses', 'cs'],
  ['configmap', 'configmaps', 'cm'],
  ['endpoints', 'ep'],
  ['event', 'events', 'ev'],
  ['limitrange', 'limitranges', 'limits'],
  ['namespace', 'namespaces', 'ns'],
  ['node', 'nodes', 'no'],
  ['persistentvolumeclaim', 'persistentvolumeclaims', 'pvc'],
  ['persistentvolume', 'persistentvolumes', 'pv'],
  ['pod', 'pods', 'po'],
  ['podtemplate', 'podtemplates'],
  ['replicationcontroller', 'replicationcontrollers', 'rc'],
  ['resourcequota', 'resourcequotas', 'quota'],
  ['secret', 'secrets'],
  ['serviceaccount', 'serviceaccounts', 'sa'],
  ['service', 'services', 'svc'],
  // admissionregistration.k8s.io
  ['mutatingwebhookconfiguration', 'mutatingwebhookconfigurations'],
  ['validatingwebhookconfiguration', 'validatingwebhookconfigurations'],
  ['validatingadmissionpolicy', 'validatingadmissionpolicies'],
  ['validatingadmissionpolicybinding', 'validatingadmissionpolicybindings'],
  ['mutatingadmissionpolicy', 'mutatingadmissionpolicies'],
  ['mutatingadmissionpolicybinding', 'mutatingadmissionpolicybindings'],
  // apiextensions.k8s.io, apiregistration.k8s.io
  ['customresourcedefinition', 'customresourcedefinitions', 'crd', 'crds'],
  ['apiservice', 'apiservices'],
  // apps
  ['controllerrevision', 'controllerrevisions'],
  ['daemonset', 'daemonsets', 'ds'],
  ['deployment', 'deployments', 'deploy'],
  ['replicaset', 'replicasets', 'rs'],
  ['statefulset', 'statefulsets', 'sts'],
  // authentication.k8s.io, authorization.k8s.io
  ['selfsubjectreview', 'selfsubjectreviews'],
  ['tokenreview', 'tokenreviews'],
  ['localsubjectaccessreview', 'localsubjectaccessreviews'],
  ['selfsubjectaccessreview', 'selfsubjectaccessreviews'],
  ['selfsubjectrulesreview', 'selfsubjectrulesreviews'],
  ['subjectaccessreview', 'subjectaccessreviews'],
  // autoscaling, batch
  ['horizontalpodautoscaler', 'horizontalpodautoscalers', 'hpa'],
  ['cronjob', 'cronjobs', 'cj'],
  ['job', 'jobs'],
  // certificates.k8s.io, coordination.k8s.io, discovery.k8s.io
  ['certificatesigningrequest', 'certificatesigningrequests', 'csr'],
  ['clustertrustbundle', 'clustertrustbundles'],
  ['podcertificaterequest', 'podcertificaterequests'],
  ['lease', 'leases'],
  ['leasecandidate', 'leasecandidates'],
  ['endpointslice', 'endpointslices'],
  // flowcontrol.apiserver.k8s.io
  ['flowschema', 'flowschemas'],
  ['prioritylevelconfiguration', 'prioritylevelconfigurations'],
  // networking.k8s.io, node.k8s.io, policy
  ['ingressclass', 'ingressclasses'],
  ['ingress', 'ingresses', 'ing'],
  ['ipaddress', 'ipaddresses', 'ip'],
  ['networkpolicy', 'networkpolicies', 'netpol'],
  ['servicecidr', 'servicecidrs'],
  ['runtimeclass', 'runtimeclasses'],
  ['poddisruptionbudget', 'poddisruptionbudgets', 'pdb'],
  // rbac.authorization.k8s.io
  ['clusterrolebinding', 'clusterrolebindings'],
  ['clusterrole', 'clusterroles'],
  ['rolebinding', 'rolebindings'],
  ['role', 'roles'],
  // resource.k8s.io, scheduling.k8s.io
  ['deviceclass', 'deviceclasses'],
  ['resourceclaim', 'resourceclaims'],
  ['resourceclaimtemplate', 'resourceclaimtemplates'],
  ['resourceslice', 'resourceslices'],
  ['devicetaintrule', 'devicetaintrules'],
  ['priorityclass', 'priorityclasses', 'pc'],
  // storage.k8s.io, storagemigration.k8s.io
  ['csidriver', 'csidrivers'],
  ['csinode', 'csinodes'],
  ['csistoragecapacity', 'csistoragecapacities'],
  ['storageclass', 'storageclasses', 'sc'],
  ['volumeattachment', 'volumeattachments'],
  ['volumeattributesclass', 'volumeattributesclasses', 'vac'],
  ['storageversionmigration', 'storageversionmigrations'],
  // internal.apiserver.k8s.io
  ['storageversion', 'storageversions'],
];
const NAMES_OF = new Map(KINDS.flatMap((names) => names.map((name) => [name, names] as const)));

/**
 * The kinds of the category `all` (`kubectl delete all --all`), as the API server lists them (`kubectl api-resources
 * --categories=all`); a custom resource may join it too, which is not known here.
 */
const CATEGORY_ALL = ['pods', 'replicationcontrollers', 'services', 'daemonsets', 'deployments', 'replicasets', 'statefulsets', 'horizontalpodautoscalers', 'cronjobs', 'jobs'];

/** The kinds a word names: itself, and for the category `all` each kind in it. */
export function kindsNamed(word: string): readonly string[] {
  return kindOf(word) === 'all' ? [word, ...CATEGORY_ALL] : [word];
}

/** Each of kubectl's names for the kind a word names (`ns`, `Namespace`, `namespaces.v1`); a kind not listed here (a custom resource) keeps its own. */
export function kindNames(kind: string): readonly string[] {
  return NAMES_OF.get(kindOf(kind)) ?? [kind];
}

/** kubectl reads a kind in any case, and with its group and version after a dot (`Deployment.v1.apps`). */
function kindOf(kind: string): string {
  const lower = kind.toLowerCase();
  return lower.includes('.') ? lower.slice(0, lower.indexOf('.')) : lower;
}
