// Test fixture: real manifests, one for every kind with a field table
// ====================================================================
// CONCEPT   The strict-field check must never call a real field unknown, or kubectl create and
//           apply would fail on manifests that work on any cluster. These are the manifests it is
//           held to: examples from kubernetes.io, enriched with the fields people really use, and
//           the option bodies kubectl sends. test/unit/schema-manifests.test.ts runs them.
// REAL K8S  the examples on kubernetes.io (Creating a Deployment, Configure Liveness Probes, ...)
// SHIPS     A stack of real manifests from other harbours, to test the forms against.
// EXAMPLE   docs[0] => ['a Pod with probes, env, ...', 'apiVersion: v1\nkind: Pod\n...']
// SKIPPED   Kinds the simulator does not serve.

// A Deployment's pod template from the docs ("Creating a Deployment"), made richer with the
// things people put in templates: probes, env, volumes, resources, affinity, tolerations.
export const podTemplate = `
metadata:
  labels: { app: nginx, app.kubernetes.io/name: web }
  annotations: { prometheus.io/scrape: "true" }
spec:
  serviceAccountName: web
  automountServiceAccountToken: false
  enableServiceLinks: false
  terminationGracePeriodSeconds: 30
  securityContext: { runAsNonRoot: true, runAsUser: 1000, fsGroup: 2000, seccompProfile: { type: RuntimeDefault } }
  initContainers:
  - name: init-myservice
    image: busybox:1.28
    command: ['sh', '-c', "until nslookup myservice; do echo waiting; sleep 2; done"]
  containers:
  - name: nginx
    image: nginx:1.14.2
    imagePullPolicy: IfNotPresent
    ports:
    - { name: http, containerPort: 80, protocol: TCP }
    env:
    - { name: LOG_LEVEL, value: debug }
    - name: MY_NODE_NAME
      valueFrom: { fieldRef: { fieldPath: spec.nodeName } }
    - name: MY_CPU_REQUEST
      valueFrom: { resourceFieldRef: { containerName: nginx, resource: requests.cpu } }
    - name: SECRET_USERNAME
      valueFrom: { secretKeyRef: { name: mysecret, key: username, optional: false } }
    envFrom:
    - configMapRef: { name: special-config }
    - prefix: DB_
      secretRef: { name: db }
    resources:
      requests: { cpu: 250m, memory: 64Mi }
      limits: { cpu: 500m, memory: 128Mi, nvidia.com/gpu: 1 }
    livenessProbe:
      httpGet:
        path: /healthz
        port: 8080
        httpHeaders:
        - { name: Custom-Header, value: Awesome }
      initialDelaySeconds: 3
      periodSeconds: 3
    readinessProbe: { tcpSocket: { port: 8080 }, initialDelaySeconds: 15, periodSeconds: 10 }
    startupProbe: { exec: { command: [cat, /tmp/healthy] }, failureThreshold: 30, periodSeconds: 10 }
    lifecycle:
      postStart: { exec: { command: ["/bin/sh", "-c", "echo Hello > /usr/share/message"] } }
      preStop: { exec: { command: ["/bin/sh", "-c", "nginx -s quit; while killall -0 nginx; do sleep 1; done"] } }
    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: [ALL], add: [NET_BIND_SERVICE] } }
    volumeMounts:
    - { name: config-vol, mountPath: /etc/config }
    - { name: cache-volume, mountPath: /cache, readOnly: false }
  - name: etcd
    image: registry.k8s.io/etcd:3.5.1-0
    livenessProbe: { grpc: { port: 2379 }, initialDelaySeconds: 10 }
  volumes:
  - name: config-vol
    configMap:
      name: log-config
      items: [{ key: log_level, path: log_level.conf }]
  - { name: cache-volume, emptyDir: { sizeLimit: 500Mi } }
  - name: all-in-one
    projected:
      sources:
      - secret: { name: mysecret, items: [{ key: username, path: my-group/my-username }] }
      - downwardAPI: { items: [{ path: labels, fieldRef: { fieldPath: metadata.labels } }] }
  affinity:
    nodeAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
        nodeSelectorTerms:
        - matchExpressions:
          - { key: topology.kubernetes.io/zone, operator: In, values: [antarctica-east1, antarctica-west1] }
      preferredDuringSchedulingIgnoredDuringExecution:
      - weight: 1
        preference:
          matchExpressions: [{ key: another-node-label-key, operator: In, values: [another-node-label-value] }]
    podAntiAffinity:
      preferredDuringSchedulingIgnoredDuringExecution:
      - weight: 100
        podAffinityTerm:
          labelSelector: { matchExpressions: [{ key: security, operator: In, values: [S2] }] }
          topologyKey: topology.kubernetes.io/zone
  tolerations:
  - { key: example-key, operator: Exists, effect: NoSchedule }
  - { key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 6000 }
  topologySpreadConstraints:
  - { maxSkew: 1, topologyKey: zone, whenUnsatisfiable: DoNotSchedule, labelSelector: { matchLabels: { app: nginx } } }
  nodeSelector: { disktype: ssd }
  dnsConfig: { nameservers: [192.0.2.1], searches: [ns1.svc.cluster-domain.example], options: [{ name: ndots, value: "2" }, { name: edns0 }] }
  hostAliases: [{ ip: 127.0.0.1, hostnames: [foo.local, bar.local] }]
  imagePullSecrets: [{ name: regcred }]
  priorityClassName: high-priority
  readinessGates: [{ conditionType: www.example.com/feature-1 }]
  os: { name: linux }
  schedulingGates: [{ name: example.com/foo }]
`;

export const docs: [string, string][] = [
  ['a Pod with probes, env, volumes, resources, affinity and tolerations', `apiVersion: v1\nkind: Pod\n${podTemplate}`],
  ['a ReplicationController whose template is that pod', `
apiVersion: v1
kind: ReplicationController
metadata: { name: nginx }
spec:
  replicas: 3
  minReadySeconds: 5
  selector: { app: nginx }
  template:
${podTemplate.replace(/^/gm, '    ')}`],
  ['a Deployment ("Creating a Deployment") with its strategy and status', `
apiVersion: apps/v1
kind: Deployment
metadata: { name: nginx-deployment, labels: { app: nginx }, annotations: { deployment.kubernetes.io/revision: "2" } }
spec:
  replicas: 3
  revisionHistoryLimit: 10
  progressDeadlineSeconds: 600
  minReadySeconds: 0
  paused: false
  selector: { matchLabels: { app: nginx }, matchExpressions: [{ key: tier, operator: NotIn, values: [db] }] }
  strategy: { type: RollingUpdate, rollingUpdate: { maxSurge: 25%, maxUnavailable: 1 } }
  template:
${podTemplate.replace(/^/gm, '    ')}
status:
  observedGeneration: 2
  replicas: 3
  updatedReplicas: 3
  readyReplicas: 3
  availableReplicas: 3
  unavailableReplicas: 0
  collisionCount: 0
  conditions:
  - { type: Available, status: "True", lastUpdateTime: "2026-01-01T00:00:00Z", lastTransitionTime: "2026-01-01T00:00:00Z", reason: MinimumReplicasAvailable, message: Deployment has minimum availability. }`],
  ['a ReplicaSet as the deployment controller writes it', `
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: nginx-deployment-66b6c48dd5
  ownerReferences: [{ apiVersion: apps/v1, kind: Deployment, name: nginx-deployment, uid: 1b7f, controller: true, blockOwnerDeletion: true }]
spec:
  replicas: 3
  minReadySeconds: 0
  selector: { matchLabels: { app: nginx, pod-template-hash: 66b6c48dd5 } }
  template:
${podTemplate.replace(/^/gm, '    ')}
status:
  replicas: 3
  fullyLabeledReplicas: 3
  readyReplicas: 3
  availableReplicas: 3
  observedGeneration: 1
  conditions: [{ type: ReplicaFailure, status: "False", lastTransitionTime: "2026-01-01T00:00:00Z", reason: FailedCreate, message: none }]`],
  ['a Job ("Running an example Job", with a podFailurePolicy) as the job controller reports it', `
apiVersion: batch/v1
kind: Job
metadata:
  name: pi
  labels: { batch.kubernetes.io/job-name: pi }
spec:
  completions: 3
  parallelism: 2
  backoffLimit: 4
  activeDeadlineSeconds: 600
  ttlSecondsAfterFinished: 100
  completionMode: NonIndexed
  suspend: false
  manualSelector: false
  podReplacementPolicy: Failed
  selector: { matchLabels: { batch.kubernetes.io/controller-uid: 1b7f } }
  podFailurePolicy:
    rules:
    - { action: FailJob, onExitCodes: { containerName: nginx, operator: In, values: [42] } }
    - { action: Ignore, onPodConditions: [{ type: DisruptionTarget, status: "True" }] }
  template:
${podTemplate.replace(/^/gm, '    ')}
status:
  startTime: "2026-01-01T00:00:00Z"
  completionTime: "2026-01-01T00:01:00Z"
  active: 0
  ready: 0
  terminating: 0
  succeeded: 3
  failed: 1
  uncountedTerminatedPods: { succeeded: [], failed: [] }
  conditions: [{ type: Complete, status: "True", lastProbeTime: "2026-01-01T00:01:00Z", lastTransitionTime: "2026-01-01T00:01:00Z", reason: CompletionsReached, message: Reached expected number of succeeded pods }]`],
  ['a Service of type LoadBalancer (the docs example, with its status)', `
apiVersion: v1
kind: Service
metadata: { name: my-service }
spec:
  selector: { app.kubernetes.io/name: MyApp }
  ports:
  - { protocol: TCP, port: 80, targetPort: 9376 }
  clusterIP: 10.0.171.239
  type: LoadBalancer
  externalTrafficPolicy: Local
  sessionAffinity: ClientIP
  sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } }
  ipFamilyPolicy: SingleStack
  ipFamilies: [IPv4]
status:
  loadBalancer:
    ingress: [{ ip: 192.0.2.127 }]
`],
  ['a Node as the kubelet registers and reports it', `
apiVersion: v1
kind: Node
metadata:
  name: node-1
  labels: { kubernetes.io/hostname: node-1, node.kubernetes.io/instance-type: m5.large }
  annotations: { node.alpha.kubernetes.io/ttl: "0" }
spec:
  podCIDR: 10.244.1.0/24
  podCIDRs: [10.244.1.0/24]
  taints: [{ key: node.kubernetes.io/unschedulable, effect: NoSchedule, timeAdded: "2024-01-01T00:00:00Z" }]
  unschedulable: true
status:
  capacity: { cpu: "8", memory: 32Gi, pods: "110", ephemeral-storage: 100Gi }
  allocatable: { cpu: 7800m, memory: 31Gi, pods: "110" }
  conditions:
  - { type: Ready, status: "True", lastHeartbeatTime: "2024-01-01T00:00:00Z", lastTransitionTime: "2024-01-01T00:00:00Z", reason: KubeletReady, message: kubelet is posting ready status }
  addresses: [{ type: InternalIP, address: 10.0.0.1 }, { type: Hostname, address: node-1 }]
  daemonEndpoints: { kubeletEndpoint: { Port: 10250 } }
  nodeInfo: { machineID: abc, systemUUID: abc, bootID: b, kernelVersion: 6.1.0, osImage: Debian, containerRuntimeVersion: containerd://1.7.0, kubeletVersion: v1.32.0, kubeProxyVersion: v1.32.0, operatingSystem: linux, architecture: amd64 }
  images: [{ names: [nginx:1.14.2], sizeBytes: 44708492 }]
  runtimeHandlers: [{ name: runc, features: { recursiveReadOnlyMounts: true, userNamespaces: false } }]
  features: { supplementalGroupsPolicy: true }
`],
  ['a Namespace with its finalizer', `
apiVersion: v1
kind: Namespace
metadata: { name: besu, labels: { kubernetes.io/metadata.name: besu } }
spec: { finalizers: [kubernetes] }
status: { phase: Active }
`],
  ['Endpoints as the endpoints controller writes them', `
apiVersion: v1
kind: Endpoints
metadata: { name: my-service, namespace: default }
subsets:
- addresses: [{ ip: 10.244.1.5, nodeName: node-1, targetRef: { kind: Pod, name: web-0, namespace: default, uid: u1 } }]
  notReadyAddresses: [{ ip: 10.244.2.7 }]
  ports: [{ name: http, port: 9376, protocol: TCP }]
`],
  ['an Event as the kubelet records it', `
apiVersion: v1
kind: Event
metadata: { name: web-0.17a, namespace: default }
involvedObject: { kind: Pod, namespace: default, name: web-0, uid: u1, apiVersion: v1, resourceVersion: "42", fieldPath: "spec.containers{nginx}" }
reason: Pulled
message: Successfully pulled image "nginx:1.14.2"
source: { component: kubelet, host: node-1 }
firstTimestamp: "2024-01-01T00:00:00Z"
lastTimestamp: "2024-01-01T00:00:00Z"
count: 1
type: Normal
eventTime: null
reportingComponent: kubelet
reportingInstance: node-1
`],
  ['a node heartbeat Lease', `
apiVersion: coordination.k8s.io/v1
kind: Lease
metadata: { name: node-1, namespace: kube-node-lease, ownerReferences: [{ apiVersion: v1, kind: Node, name: node-1, uid: n1 }] }
spec: { holderIdentity: node-1, leaseDurationSeconds: 40, renewTime: "2024-01-01T00:00:00.000000Z" }
`],
  ['a ConfigMap from the docs ("Configure a Pod to Use a ConfigMap")', `
apiVersion: v1
kind: ConfigMap
metadata: { name: game-demo, namespace: default }
immutable: false
data:
  player_initial_lives: "3"
  game.properties: |
    enemy.types=aliens,monsters
binaryData: { logo.png: iVBORw0KGgo= }
`],
  ['a Secret from the docs, with stringData', `
apiVersion: v1
kind: Secret
metadata: { name: secret-basic-auth, namespace: default }
type: kubernetes.io/basic-auth
immutable: true
data: { username: YWRtaW4= }
stringData: { password: t0p-Secret }
`],
  ['a Binding from the scheduler', `
apiVersion: v1
kind: Binding
metadata: { name: web-0, namespace: default }
target: { apiVersion: v1, kind: Node, name: node-1 }
`],
  ['an Eviction from kubectl drain', `
apiVersion: policy/v1
kind: Eviction
metadata: { name: web-0, namespace: default }
deleteOptions: { kind: DeleteOptions, apiVersion: v1, gracePeriodSeconds: 30, preconditions: { uid: u1 } }
`],
  ['a Scale from kubectl scale', `
apiVersion: autoscaling/v1
kind: Scale
metadata: { name: nginx, namespace: default }
spec: { replicas: 5 }
status: { replicas: 3, selector: app=nginx }
`],
  ['DeleteOptions from kubectl delete --cascade=foreground', `
kind: DeleteOptions
apiVersion: v1
propagationPolicy: Foreground
gracePeriodSeconds: 0
dryRun: [All]
`],
];
