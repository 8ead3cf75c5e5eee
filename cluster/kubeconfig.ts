// The kubeconfig the harbour writes
// =================================
// CONCEPT   kubectl and every component find the apiserver through a kubeconfig file: a cluster
//           (server URL), a user (credentials), and a context joining them with a default namespace.
// REAL K8S  staging/src/k8s.io/client-go/tools/clientcmd/api/types.go (Config, Cluster, AuthInfo, Context)
// SHIPS     The harbour's radio frequency card, handed to every ship and every visitor.
// EXAMPLE   kubeconfigText('http://127.0.0.1:6443')  =>  the YAML in .cluster/kubeconfig
// SKIPPED   Certificates: the apiserver is plain HTTP on loopback (see DESIGN.md), so the harbour's
//           kubeconfig holds no credentials: kubectl sends a user's token only over TLS (client-go
//           drops credentials for http:// servers). `insecure-skip-tls-verify` is set because
//           @kubernetes/client-node refuses http:// without it.

/**
 * A kubeconfig for one user of the harbour: plain HTTP, and a bearer token if given (our own
 * client sends it over HTTP too; kubectl does not, see above).
 */
export function kubeconfigText(server: string, user: { name: string; token: string } = { name: 'student', token: '' }): string {
  return `apiVersion: v1
kind: Config
clusters:
- name: harbour
  cluster:
    server: ${server}
    insecure-skip-tls-verify: true
contexts:
- name: harbour
  context: {cluster: harbour, user: ${user.name}, namespace: default}
current-context: harbour
users:
- name: ${user.name}
  user: ${user.token ? `{token: ${user.token}}` : '{}'}
`;
}
