// What the cluster should do next: the prediction printed after every chaos action
// ===============================================================================
// CONCEPT   Breaking something is only half a lesson; the other half is knowing what the control
//           plane will do about it, and when. After each action the chaos tool prints, in plain
//           words, which component notices, what it does, and after how long: each timing is the
//           Kubernetes default and its wall-clock value at the cluster's time scale (timings.ts).
//           These are the sentences an instructor would say, kept beside the numbers they depend on.
// REAL K8S  The behaviours described live in pkg/controller/nodelifecycle, pkg/controller/tainteviction,
//           pkg/controller/replication, pkg/controller/podgc, pkg/kubelet (back-off, lease) and
//           client-go's leaderelection; the timings come from their defaults.
// SHIPS     The harbour master's running commentary.
// EXAMPLE   afterComponent('kube-scheduler', 'kill', 0.1)
//             => ["The launcher restarts kube-scheduler after 1 s (wall clock) ...", "Meanwhile new pods wait ..."]
// SKIPPED   Reading the live flags of each component: we describe the defaults the launcher uses.

import { say, SUPERVISOR_FIRST_RESTART_MS, TIMINGS as T } from './timings.ts';

export type ComponentVerb = 'kill' | 'stop' | 'start' | 'restart' | 'pause' | 'resume';

/** What happens after a control-plane or node component is killed, stopped, paused or brought back. */
export function afterComponent(name: string, verb: ComponentVerb, timeScale: number): string[] {
  const s = (t: Parameters<typeof say>[0]) => say(t, timeScale);
  const kind = name.split('/')[0]!;
  const node = name.split('/')[1];
  if (verb === 'start' || verb === 'resume' || verb === 'restart') return comingBack(kind, node, verb, s);
  const down: string[] = [];
  const restart = kind === 'kubelet' || kind === 'kube-proxy' ? []
    : verb === 'kill' ? [`The launcher restarts ${name} after ${SUPERVISOR_FIRST_RESTART_MS / 1000} s (wall clock), doubling the wait if it keeps crashing.`]
      : verb === 'stop' ? [`It stays down until \`npm run chaos -- start ${name}\`.`]
        : [`It stays frozen (holding its sockets and leases) until \`npm run chaos -- resume ${name}\`.`];
  if (kind === 'etcd') {
    down.push('The apiserver cannot read or write: kubectl, the scheduler and the controllers get errors (503) for every call.',
      'Running pods keep running: kubelets need no etcd to keep containers alive, and Services keep forwarding.',
      'Nothing is lost: every object is on etcd\'s disk and comes back with it, at the same resourceVersion.');
  } else if (kind === 'kube-apiserver') {
    down.push('Nobody can talk to the control plane: every watch breaks, every call fails; components retry with back-off.',
      `Kubelets cannot renew their node leases (every ${s(T.leaseRenewInterval)}); pods keep running.`,
      'When it is back, every component re-lists and resumes its watches: state lives in etcd, so nothing is lost.');
  } else if (kind === 'kube-scheduler') {
    down.push('New pods wait Pending on the dock (no spec.nodeName) with no scheduling event; running pods are untouched.',
      `A new scheduler must hold the leader Lease kube-system/kube-scheduler first: at once if the old one released it, else after its ${s(T.leaderLeaseDuration)} lease runs out.`);
  } else if (kind === 'kube-controller-manager') {
    down.push('Nobody reacts to failures: deleted pods are not replaced, silent nodes are not marked NotReady, endpoints are not updated.',
      `A new controller-manager takes the leader Lease (up to ${s(T.leaderLeaseDuration)}), re-lists everything and catches up on what it missed.`);
  } else if (kind === 'kubelet') {
    down.push(...kubeletDown(node ?? '?', verb === 'pause', s));
  } else if (kind === 'kube-proxy') {
    down.push(`${node}'s NodePorts stop answering; pods are untouched.`,
      `If this proxy held the Service virtual IPs (Lease kube-system/kube-proxy-vip-owner), another node's proxy takes them over within ${s(T.leaderLeaseDuration)}.`);
  }
  return [...down, ...restart];
}

function comingBack(kind: string, node: string | undefined, verb: ComponentVerb, s: (t: Parameters<typeof say>[0]) => string): string[] {
  if (kind === 'kubelet') {
    return [`The kubelet of ${node} ${verb === 'resume' ? 'wakes and finds time has passed' : 'starts, registers again and lists the pods bound to it'}; it renews its lease at once, so the node turns Ready within a heartbeat and its taints go.`,
      ...(verb === 'resume' ? ['Its containers were frozen with it and carry on.']
        : ['Containers of pods still bound to it start again (restartPolicy); pods that were evicted meanwhile are gone for good, and it finishes their deletion.'])];
  }
  if (kind === 'kube-proxy') return [`kube-proxy on ${node} lists Services and Endpoints and opens its NodePorts again; it competes for the VIP Lease like any replica.`];
  if (kind === 'etcd') return ['etcd replays its log from disk: every object is back; the apiserver reconnects and answers again within seconds.'];
  return [`${kind} comes back, lists what it needs, resumes its watches${kind === 'kube-apiserver' ? '' : ` and, once it holds its leader Lease (up to ${s(T.leaderLeaseDuration)}), acts on everything it missed`}.`];
}

function kubeletDown(node: string, paused: boolean, s: (t: Parameters<typeof say>[0]) => string): string[] {
  return [
    paused ? `Everything on ${node} is frozen: its containers live in the kubelet's process, so they stop answering too.`
      : `Every container on ${node} dies with its kubelet (they live in its process).`,
    ...nodeSilent(node, s),
  ];
}

/** The node lifecycle's timeline for a node whose kubelet went silent (dead, frozen or cut off). */
export function nodeSilent(node: string, s: (t: Parameters<typeof say>[0]) => string): string[] {
  return [
    `${node}'s Lease is no longer renewed. After node-monitor-grace-period, ${s(T.nodeMonitorGracePeriod)} (checked every ${s(T.nodeMonitorPeriod)}), the node lifecycle controller marks it Ready=Unknown (NotReady), adds the taints node.kubernetes.io/unreachable:NoSchedule and :NoExecute, and marks its pods not Ready, so Services stop sending them traffic.`,
    `Its pods tolerate unreachable for ${s(T.defaultTolerationSeconds)} (DefaultTolerationSeconds) unless their own tolerationSeconds say otherwise; then the taint eviction controller deletes them and their ReplicationControllers create replacements on other ships.`,
  ];
}

/** After sinking a node: kubelet and kube-proxy killed. */
export function afterSink(node: string, timeScale: number): string[] {
  const s = (t: Parameters<typeof say>[0]) => say(t, timeScale);
  return [...kubeletDown(node, false, s), `Its NodePorts close with its kube-proxy. The ship stays sunk until \`npm run chaos -- restore ${node}\`.`];
}

export function afterPartition(node: string, timeScale: number): string[] {
  const s = (t: Parameters<typeof say>[0]) => say(t, timeScale);
  return [`${node}'s kubelet and kube-proxy cannot reach the apiserver; their requests hang until the client's ${s(T.clientRequestTimeout)} timeout. Its pods keep running and still answer on their pod IPs.`,
    ...nodeSilent(node, s),
    'Once evicted, the old pods are still running on the cut-off ship while their replacements run elsewhere: two copies for a while. The kubelet learns about the eviction only when the link heals, and then stops them.'];
}

export function afterHeal(node: string): string[] {
  return [`${node}'s kubelet and kube-proxy reconnect and resume their watches; the kubelet's next heartbeat turns the node Ready again and its taints go.`,
    'Pods deleted while it was cut off are stopped now; pods still bound to it were never interrupted.'];
}

export function afterSlow(node: string, delayMs: number, timeScale: number): string[] {
  const s = (t: Parameters<typeof say>[0]) => say(t, timeScale);
  if (delayMs <= 0) return [`${node}'s API calls travel at full speed again.`];
  const fails = delayMs >= T.clientRequestTimeout.ms;
  return [`Every request from ${node} now reaches the apiserver ${s(delayMs)} late; pod status and events from it lag by as much.`,
    fails ? `That is beyond the client's ${s(T.clientRequestTimeout)} request timeout: every call fails, and the node is lost as surely as if it were cut off (NotReady after ${s(T.nodeMonitorGracePeriod)}).`
      : `Its lease (renewed every ${s(T.leaseRenewInterval)}, lost after ${s(T.nodeMonitorGracePeriod)}) still arrives in time, so the node stays Ready: slow is not dead.`];
}

/** After a container's main process was killed. */
export function afterCrash(pod: string, container: string, restartCount: number, timeScale: number): string[] {
  const s = (t: Parameters<typeof say>[0]) => say(t, timeScale);
  const waits = [0, T.crashBackOffInitial.ms, 2 * T.crashBackOffInitial.ms, 4 * T.crashBackOffInitial.ms];
  const wait = waits[Math.min(restartCount, waits.length - 1)]!;
  return [`The container ${container} of ${pod} exited (137, Error); with restartPolicy Always the kubelet restarts it ${wait === 0 ? 'at once (the first restart waits for nothing)' : `after a CrashLoopBackOff of ${s(wait)}`}.`,
    `Each further crash within 10 min doubles the wait: ${s(T.crashBackOffInitial)}, 20 s, 40 s ... up to ${s(T.crashBackOffMax)}. RESTARTS in kubectl get pods counts them.`,
    'The pod keeps its name, IP and node: only the container restarts, so its ReplicationController sees nothing to do.'];
}

export function afterAddNode(node: string, cpu: string, memory: string): string[] {
  return [`${node} (${cpu} cpu, ${memory}) registered and is Ready: the scheduler can place pods there now.`,
    'Pods waiting on the dock for room get a new scheduling attempt at once (a new node is a cluster event that requeues them).'];
}

export function afterRemoveNode(node: string, timeScale: number): string[] {
  return [`${node}'s kubelet and kube-proxy are stopped and the Node object deleted, as after \`kubectl delete node\`.`,
    `Pods still bound to it have no node: the pod garbage collector deletes them after its ${say(T.podGCQuarantine, timeScale)} quarantine, and their controllers replace them on other ships.`];
}

export function afterCordon(node: string, on: boolean): string[] {
  return on ? [`${node} is unschedulable (taint node.kubernetes.io/unschedulable:NoSchedule): new pods go elsewhere; pods already there stay.`]
    : [`${node} takes new pods again.`];
}

export function afterDrain(node: string, evicted: number): string[] {
  return [`${node} is cordoned and its ${evicted} pod(s) were evicted (policy/v1 Eviction, a graceful delete): their kubelet stops them within their grace period.`,
    'Their ReplicationControllers create replacements, which the scheduler places on the other ships; bare pods are simply gone.'];
}
