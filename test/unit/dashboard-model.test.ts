// The harbour model: informer events in, one coalesced batch per flush out.
import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../client/clock.ts';
import { emitterSource, type LauncherComponentStatus } from '../../dashboard/components.ts';
import { HarbourModel } from '../../dashboard/model.ts';
import type { BatchMessage, Change } from '../../dashboard/protocol.ts';
import { fakeSources, node, pod, type FakeSources } from './dashboard-fakes.ts';

let model: HarbourModel;
let src: FakeSources;
let batches: BatchMessage[];

function start(options: Partial<ConstructorParameters<typeof HarbourModel>[1]> = {}): void {
  model = new HarbourModel(src, { clock: new FakeClock(Date.now()), ...options });
  batches = [];
  model.on('batch', (b: BatchMessage) => batches.push(b));
  model.start();
}
const changes = (t: Change['t']) => batches.flatMap((b) => b.changes).filter((c) => c.t === t);

afterEach(() => model?.stop());

describe('the harbour model', () => {
  it('greets a new page with every view, and emits nothing until something changes', () => {
    src = fakeSources();
    src.nodes.put(node('node-1'));
    src.pods.put(pod('a', { node: 'node-1', phase: 'Running' }));
    start({ examples: ['besu-rpc.yaml'], launcher: true });
    model.flush();
    expect(batches).toEqual([]);
    const hello = model.hello();
    expect(hello).toMatchObject({ type: 'hello', launcher: true, examples: ['besu-rpc.yaml'], api: 'connected' });
    expect(hello.nodes.map((n) => n.name)).toEqual(['node-1']);
    expect(hello.pods.map((p) => p.key)).toEqual(['default/a']);
  });

  it('coalesces many changes of one pod into one change per flush, but keeps every etcd write', () => {
    src = fakeSources();
    start();
    src.pods.put(pod('a'));
    src.pods.put(pod('a', { node: 'node-1' }));
    src.pods.put(pod('a', { node: 'node-1', phase: 'Running' }));
    model.flush();
    expect(batches).toHaveLength(1);
    expect(changes('pod')).toEqual([{ t: 'pod', key: 'default/a', v: expect.objectContaining({ node: 'node-1', tone: 'running' }) }]);
    expect(changes('write').map((c) => c.t === 'write' && [c.v.op, c.v.key])).toEqual([
      ['create', '/registry/pods/default/a'], ['update', '/registry/pods/default/a'], ['update', '/registry/pods/default/a'],
    ]);
  });

  it('recomputes a ship\'s hold when the crane loads a pod from the dock', () => {
    src = fakeSources();
    src.nodes.put(node('node-1', { cpu: '2' }));
    start();
    src.pods.put(pod('a', { cpu: '500m' }));
    model.flush();
    expect(changes('pod')[0]).toMatchObject({ v: { reason: expect.any(String) } });
    expect(changes('node')).toEqual([]);
    src.pods.put(pod('a', { cpu: '500m', node: 'node-1' }));
    model.flush();
    expect(changes('node')).toEqual([{ t: 'node', key: 'node-1', v: expect.objectContaining({ cpu: { used: 500, total: 2000 } }) }]);
    src.pods.remove('default/a');
    model.flush();
    expect(changes('pod').at(-1)).toEqual({ t: 'pod', key: 'default/a' });
    expect(changes('node').at(-1)).toMatchObject({ v: { cpu: { used: 0 } } });
    expect(changes('write').at(-1)).toMatchObject({ v: { op: 'delete' } });
  });

  it('gives a waiting pod the reason of its FailedScheduling event', () => {
    src = fakeSources();
    start();
    src.pods.put(pod('big'));
    src.events.put({
      metadata: { name: 'big.1', namespace: 'default' }, involvedObject: { kind: 'Pod', namespace: 'default', name: 'big' },
      reason: 'FailedScheduling', message: '0/3 nodes are available: 3 Insufficient cpu.', type: 'Warning', lastTimestamp: new Date().toISOString(),
    });
    model.flush();
    expect(model.pods.get('default/big')?.reason).toBe('0/3 nodes are available: 3 Insufficient cpu.');
    expect(changes('event')[0]).toMatchObject({ v: { type: 'Warning', object: 'Pod default/big' } });
  });

  it('passes node heartbeats on as lease changes, and leaders from kube-system Leases', () => {
    src = fakeSources();
    start();
    const renewTime = new Date().toISOString();
    src.leases.put({ metadata: { name: 'node-1', namespace: 'kube-node-lease' }, spec: { holderIdentity: 'node-1', renewTime } });
    src.leases.put({ metadata: { name: 'kube-scheduler', namespace: 'kube-system' }, spec: { holderIdentity: 'sched-1', leaseDurationSeconds: 15, renewTime } });
    model.flush();
    expect(changes('lease')).toEqual([{ t: 'lease', key: 'node-1', v: renewTime }]);
    expect(model.hello().components.find((c) => c.name === 'kube-scheduler')).toMatchObject({ state: 'running', leader: 'sched-1' });
  });

  it('takes process states from the launcher, and rewords the dock when the scheduler goes down', () => {
    src = fakeSources();
    const launcher = Object.assign(new EventEmitter(), {
      states: [{ name: 'kube-scheduler', role: 'control-plane', state: 'running', restarts: 0 }] as LauncherComponentStatus[],
      list() {
        return this.states;
      },
    });
    start({ components: emitterSource(launcher) });
    src.pods.put(pod('waiting'));
    model.flush();
    launcher.states = [{ name: 'kube-scheduler', role: 'control-plane', state: 'crashed', restarts: 0 }];
    launcher.emit('change');
    model.flush();
    expect(changes('components').at(-1)).toMatchObject({ v: [{ name: 'kube-scheduler', state: 'crashed' }] });
    expect(model.pods.get('default/waiting')?.reason).toMatch(/kube-scheduler is down/);
  });

  it('reports the apiserver unreachable until the next watch event arrives', () => {
    src = fakeSources();
    start();
    model.setApiState('retrying');
    model.flush();
    expect(changes('api')).toEqual([{ t: 'api', v: 'retrying' }]);
    src.nodes.put(node('node-1'));
    model.flush();
    expect(changes('api').at(-1)).toEqual({ t: 'api', v: 'connected' });
  });
});
