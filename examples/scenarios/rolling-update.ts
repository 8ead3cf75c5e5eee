// A rolling update, and its undo
// ==============================
// CONCEPT   A Deployment never edits running pods. Each version of its pod template gets its own
//           ReplicaSet, numbered by the `deployment.kubernetes.io/revision` annotation; a new image
//           means a new ReplicaSet, and the deployment controller moves the pods over a few at a
//           time. Two numbers bound every moment of the move: maxSurge (how many pods may exist
//           above `replicas`) and maxUnavailable (how many may be missing). With 3 replicas,
//           maxSurge 1 and maxUnavailable 0, it adds one new pod, waits until it is Ready, removes
//           one old pod, and so on: always 3 or 4 ready pods, never fewer. The old ReplicaSet stays
//           behind at 0 replicas - it is the history `kubectl rollout undo` goes back to, by
//           scaling that very ReplicaSet up again under a new revision number.
// REAL K8S  pkg/controller/deployment/rolling.go (reconcileNewReplicaSet, reconcileOldReplicaSets),
//           pkg/controller/deployment/util/deployment_util.go (NewRSNewReplicas, MaxRevision),
//           staging/src/k8s.io/kubectl/pkg/polymorphichelpers/rollback.go (rollout undo)
// SHIPS     A refit of the fleet, one ship at a time, so the convoy never runs short.
// EXAMPLE   npm run scenario -- examples/scenarios/rolling-update.ts
//           => "ReplicaSet sizes (old+new): 3+0 → 3+1 → 2+1 → 2+2 → 1+2 → 1+3 → 0+3"
// SKIPPED   the Recreate strategy, minReadySeconds and progressDeadlineSeconds (see besu-deployment.yaml).

import type { Deployment, ReplicaSet } from '../../api/apps-types.ts';
import type { KubeObject, Pod } from '../../api/types.ts';
import { isActive, isReady, notYet, scenario, type ScenarioContext } from '../../cluster/scenario/index.ts';

const OLD = 'hyperledger/besu:24.1';
const NEW = 'hyperledger/besu:24.3';
const REVISION = 'deployment.kubernetes.io/revision';

const LEDGER = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: ledger}
spec:
  replicas: 3
  selector: {matchLabels: {app: ledger}}
  strategy:
    type: RollingUpdate
    rollingUpdate: {maxSurge: 1, maxUnavailable: 0}
  template:
    metadata:
      labels: {app: ledger}
      annotations: {besu.harbour.dev/network: rolling-lesson}
    spec:
      containers:
      - name: besu
        image: ${OLD}
        ports: [{containerPort: 8545}]
        resources: {requests: {cpu: 100m, memory: 128Mi}}
        readinessProbe:
          httpGet: {path: /readiness, port: 8545}
          initialDelaySeconds: 10
          periodSeconds: 5
`;

/** What we saw while a rollout ran: the fewest and most ready pods, and the ReplicaSets' sizes. */
interface Watch {
  minReady: number;
  maxReady: number;
  maxActive: number;
  sizes: string[];
  /** Why a watch stopped before we stopped it, if one did. */
  broken?: string;
}

const revisionOf = (rs: ReplicaSet | Deployment) => Number(rs.metadata.annotations?.[REVISION] ?? 0);
const imageOf = (rs: ReplicaSet | undefined) => rs?.spec.template?.spec.containers[0]?.image;

async function replicaSets(s: ScenarioContext): Promise<ReplicaSet[]> {
  const list = await s.client.list('replicasets', { namespace: s.ns, labelSelector: 'app=ledger' });
  return list.items.sort((a, b) => revisionOf(a) - revisionOf(b));
}

// @doc: scenario-rollout-witness
// Polling could blink and miss the moment a pod was short. So we watch instead, as a controller
// does: list the ledger pods and ReplicaSets, then follow every change the apiserver sends from
// that resourceVersion on, and score the harbour after each one. Every version of every pod that
// etcd held passes through here, so "never fewer than 3 ready" is checked at every step, not sampled.
async function follow<T extends KubeObject>(s: ScenarioContext, resource: 'pods' | 'replicasets', signal: AbortSignal, seen: (items: T[]) => void): Promise<{ done: Promise<void> }> {
  const list = await s.client.list(resource, { namespace: s.ns, labelSelector: 'app=ledger' });
  const items = new Map(list.items.map((o) => [o.metadata.name!, o as unknown as T]));
  seen([...items.values()]);
  // Wrapped in an object: an async function returning the promise itself would wait for it.
  const done = (async () => {
    const options = { namespace: s.ns, labelSelector: 'app=ledger', resourceVersion: list.metadata.resourceVersion, signal };
    for await (const e of s.client.watch<T>(resource, options)) {
      if (e.type === 'ERROR') throw new Error(`the ${resource} watch failed: ${JSON.stringify(e.object)}`);
      if (e.type === 'DELETED') items.delete(e.object.metadata.name!);
      else if (e.type !== 'BOOKMARK') items.set(e.object.metadata.name!, e.object);
      seen([...items.values()]);
    }
    if (!signal.aborted) throw new Error(`the ${resource} watch ended before the rollout did`);
  })();
  return { done };
}

/** Starts watching the ledger's pods and ReplicaSets; `stop()` ends the watches and returns what they saw. */
async function witness(s: ScenarioContext, revision: number): Promise<{ stop(): Promise<Watch> }> {
  const w: Watch = { minReady: Infinity, maxReady: 0, maxActive: 0, sizes: [] };
  const abort = new AbortController();
  const pods = follow<Pod>(s, 'pods', abort.signal, (items) => {
    const ready = items.filter(isReady).length;
    w.minReady = Math.min(w.minReady, ready);
    w.maxReady = Math.max(w.maxReady, ready);
    w.maxActive = Math.max(w.maxActive, items.filter(isActive).length);
  });
  // The ReplicaSet of the revision we roll to against the sum of the others: "old+new".
  const sets = follow<ReplicaSet>(s, 'replicasets', abort.signal, (items) => {
    const count = (mine: boolean) => items.filter((rs) => (revisionOf(rs) === revision) === mine).reduce((n, rs) => n + (rs.spec.replicas ?? 0), 0);
    const size = `${count(false)}+${count(true)}`;
    if (w.sizes.at(-1) !== size) w.sizes.push(size);
  });
  const running = (await Promise.all([pods, sets])).map(({ done }) => done.catch((err: Error) => void (w.broken ??= err.message)));
  return {
    async stop() {
      abort.abort();
      await Promise.all(running);
      return w;
    },
  };
}

/** Waits until the Deployment has rolled out 3 ready pods of `image` at `revision`, as kubectl rollout status does. */
async function rollOut(s: ScenarioContext, image: string, revision: number): Promise<void> {
  await s.until(`the rollout to ${image} is complete (revision ${revision})`, async () => {
    const d = await s.client.get('deployments', 'ledger', s.ns);
    const st = d.status ?? {};
    if ((st.observedGeneration ?? 0) < (d.metadata.generation ?? 0)) throw notYet('the controller has not seen the change yet');
    if (revisionOf(d) !== revision) throw notYet(`the Deployment is at revision ${revisionOf(d)}`);
    if (st.updatedReplicas !== 3 || st.replicas !== 3 || st.availableReplicas !== 3) {
      throw notYet(`up-to-date ${st.updatedReplicas ?? 0}, total ${st.replicas ?? 0}, available ${st.availableReplicas ?? 0}`);
    }
    const pods = (await s.pods('app=ledger')).filter(isActive);
    return pods.length === 3 && pods.every((p) => isReady(p) && p.spec.containers[0]?.image === image);
  }, '3m');
}

/** Changes the Deployment with `change`, watching every step until the rollout to `image` is done. */
async function watched(s: ScenarioContext, change: () => Promise<unknown>, image: string, revision: number): Promise<Watch> {
  const eyes = await witness(s, revision);
  await change();
  await rollOut(s, image, revision).catch(async (err) => {
    await eyes.stop();
    throw err;
  });
  return eyes.stop();
}

/** The three promises of maxSurge 1 / maxUnavailable 0, checked on what we saw. */
function checkBounds(s: ScenarioContext, w: Watch): void {
  s.assert(!w.broken, `we watched every change to the ledger's pods and ReplicaSets${w.broken ? ` (but ${w.broken})` : ''}`);
  s.say(`ReplicaSet sizes (old+new) as the controller moved them: ${w.sizes.join(' \u2192 ')}`);
  s.assert(w.minReady >= 3, `never fewer than 3 ready pods (fewest seen: ${w.minReady}): maxUnavailable 0`);
  s.assert(w.maxReady <= 4, `never more than 4 ready pods (most seen: ${w.maxReady}): maxSurge 1`);
  s.assert(w.maxActive <= 4, `never more than 4 pods that count, deleting ones aside (most seen: ${w.maxActive})`);
}

/** Waits until a ReplicaSet is scaled to 0 and its pods are gone; returns it. */
function drained(s: ScenarioContext, which: ReplicaSet): Promise<ReplicaSet> {
  return s.until(`${which.metadata.name} is down to 0 pods`, async () => {
    const rs = (await replicaSets(s)).find((r) => r.metadata.uid === which.metadata.uid);
    return rs?.spec.replicas === 0 && (rs.status?.replicas ?? 0) === 0 && rs;
  }, '30s');
}

// @doc: scenario-rollout-undo
// Undo found revision 1's template in an existing ReplicaSet (same pod-template-hash), so no third
// ReplicaSet is made: the first one is scaled up again and renumbered 3. Revision 1 thus leaves
// `kubectl rollout history`; the 24.3 ReplicaSet stays at 0 as revision 2, ready to be undone to.
async function checkUndo(s: ScenarioContext, first: ReplicaSet, second: ReplicaSet): Promise<void> {
  const rss = await replicaSets(s);
  const reused = rss.find((rs) => rs.metadata.uid === first.metadata.uid);
  s.assert(rss.length === 2, `still two ReplicaSets: ${rss.map((rs) => `${rs.metadata.name} (revision ${revisionOf(rs)}, ${rs.spec.replicas} replicas)`).join(', ')}`);
  s.assert(reused && revisionOf(reused) === 3 && reused.spec.replicas === 3, `${first.metadata.name} (the first one) is now revision 3 with 3 replicas`);
  const hash = first.metadata.labels?.['pod-template-hash'];
  const pods = (await s.pods('app=ledger')).filter(isActive);
  s.assert(hash && pods.every((p) => p.metadata.labels?.['pod-template-hash'] === hash), `every pod carries the first template's hash, pod-template-hash=${hash}`);
  const gone = await drained(s, second);
  s.assert(revisionOf(gone) === 2, `${gone.metadata.name} stays as revision 2, at 0 replicas, ready for the next undo`);
  const history = await s.kubectl('rollout', 'history', '-n', s.ns, 'deployment/ledger');
  const revisions = history.split('\n').map((l) => /^(\d+)\s/.exec(l)?.[1]).filter(Boolean);
  s.assert(revisions.join(',') === '2,3', `kubectl rollout history lists revisions ${revisions.join(' and ')}: revision 1 became 3`);
}

export default scenario({
  name: 'rolling-update',
  title: 'A rolling update, and its undo',
  lesson: `A new image makes a new ReplicaSet; the Deployment moves pods to it one at a time, within
    maxSurge (extra pods allowed) and maxUnavailable (missing pods allowed). Undo scales the old
    ReplicaSet back up under a new revision number.`,
}, async (s) => {
  const first = await s.step('Three Besu nodes under a Deployment', async () => {
    await s.apply(LEDGER);
    s.say('The Deployment does not make pods itself: it makes a ReplicaSet, and the ReplicaSet makes the pods.');
    await rollOut(s, OLD, 1);
    const rss = await replicaSets(s);
    s.assert(rss.length === 1 && revisionOf(rss[0]!) === 1, `one ReplicaSet, ${rss[0]?.metadata.name}, at revision 1`);
    return rss[0]!;
  });

  const q = await s.predict(`We change the image to ${NEW} (maxSurge 1, maxUnavailable 0, 3 replicas). How many pods are Ready during the update?`,
    ['between 2 and 3', 'between 3 and 4', 'between 0 and 6']);
  const watch = await s.step(`Change the image: ${OLD} -> ${NEW}`, async () => {
    s.say('A changed pod template means a new ReplicaSet. maxSurge 1 lets the controller add one new pod above 3;');
    s.say('maxUnavailable 0 forbids removing an old pod until a new one is Ready. So it goes: add one, wait, remove one.');
    s.say('Each new pod needs about 10 s to be Ready (its readiness probe waits initialDelaySeconds 10): watch the dashboard.');
    return watched(s, () => s.kubectl('set', 'image', '-n', s.ns, 'deployment/ledger', `besu=${NEW}`), NEW, 2);
  });

  const second = await s.step('What the rollout did', async () => {
    checkBounds(s, watch);
    q.reveal('between 3 and 4', 'maxUnavailable 0 keeps at least 3; maxSurge 1 allows at most 3 + 1');
    const rss = await replicaSets(s);
    const next = rss.find((rs) => rs.metadata.uid !== first.metadata.uid);
    s.assert(rss.length === 2 && next && revisionOf(next) === 2 && imageOf(next) === NEW,
      `a second ReplicaSet, ${next?.metadata.name}, with revision 2 and image ${imageOf(next)}`);
    const old = await drained(s, first);
    s.say(`${old.metadata.name} is kept at 0 replicas, not deleted: its template (${imageOf(old)}) is revision 1 of the history.`);
    return next!;
  });

  const undo = await s.predict('We run `kubectl rollout undo`. Does Kubernetes make a third ReplicaSet?', ['yes, a new one', 'no, it reuses the first']);
  const back = await s.step('kubectl rollout undo', async () => {
    s.say(`Undo copies revision 1's template back into the Deployment. That template already has a ReplicaSet,`);
    s.say('so the controller scales it up again - under the next number, revision 3 - and scales the 24.3 one down, by the same rules.');
    return watched(s, () => s.kubectl('rollout', 'undo', '-n', s.ns, 'deployment/ledger'), OLD, 3);
  });

  await s.step('Revision 3 is the first ReplicaSet again', async () => {
    checkBounds(s, back);
    undo.reveal('no, it reuses the first', 'a template already known is found by its pod-template-hash');
    await checkUndo(s, first, second);
  });
});
