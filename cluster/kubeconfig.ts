// The kubeconfig the harbour writes
// =================================
// CONCEPT   kubectl and every component find the apiserver through a kubeconfig file: a cluster
//           (server URL), a user (credentials), and a context joining them with a default namespace.
// REAL K8S  staging/src/k8s.io/client-go/tools/clientcmd/api/types.go (Config, Cluster, AuthInfo, Context)
// SHIPS     The harbour's radio frequency card, handed to every ship and every visitor.
// EXAMPLE   kubeconfigText('http://127.0.0.1:6443')  =>  the YAML in .cluster/kubeconfig
// SKIPPED   Certificates and tokens: the apiserver is plain HTTP on loopback (see DESIGN.md).
//           `insecure-skip-tls-verify` is set because @kubernetes/client-node refuses http:// without it.

/** The kubeconfig kubectl and every component use: plain HTTP, no credentials (see DESIGN.md). */
export function kubeconfigText(server: string): string {
  return `apiVersion: v1
kind: Config
clusters:
- name: harbour
  cluster:
    server: ${server}
    insecure-skip-tls-verify: true
contexts:
- name: harbour
  context: {cluster: harbour, user: student, namespace: default}
current-context: harbour
users:
- name: student
  user: {}
`;
}