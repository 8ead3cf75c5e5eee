// Kubelet admission: the fit arithmetic of predicate.go, and the messages a rejected pod carries.
import { describe, expect, it } from 'vitest';
import type { Container, Pod } from '../../api/types.ts';
import { admitPod, podRequests, rejectionMessage } from '../../kubelet/admission.ts';

function pod(name: string, requests: Record<string, string>[], init: Record<string, string>[] = []): Pod {
  const c = (r: Record<string, string>, i: number): Container => ({ name: `c${i}`, image: 'nginx:1.25', resources: { requests: r } });
  return { metadata: { name, namespace: 'default', uid: name }, spec: { containers: requests.map(c), initContainers: init.map(c) } };
}

const node = { cpu: '4', memory: '8Gi', pods: '110' };

describe('podRequests', () => {
  it('sums the containers in millicores and bytes', () => {
    expect(podRequests(pod('a', [{ cpu: '500m', memory: '1Gi' }, { cpu: '1' }]))).toEqual({ cpu: 1500, memory: 1024 ** 3 });
  });

  it('takes the largest init container when it is bigger than the sum', () => {
    expect(podRequests(pod('a', [{ cpu: '500m' }], [{ cpu: '2' }, { cpu: '1' }]))).toEqual({ cpu: 2000, memory: 0 });
  });
});

describe('admitPod', () => {
  it('admits a pod that fits beside the others', () => {
    expect(admitPod(pod('new', [{ cpu: '3' }]), [pod('old', [{ cpu: '1' }])], node)).toEqual({ admit: true });
  });

  it('rejects a pod that wants more cpu than is left, with the real reason and message', () => {
    const result = admitPod(pod('big', [{ cpu: '8' }]), [pod('old', [{ cpu: '1' }])], node);
    expect(result).toEqual({
      admit: false, reason: 'OutOfcpu',
      message: "Node didn't have enough resource: cpu, requested: 8000, used: 1000, capacity: 4000",
    });
    expect(rejectionMessage((result as { message: string }).message)).toBe(
      "Pod was rejected: Node didn't have enough resource: cpu, requested: 8000, used: 1000, capacity: 4000");
  });

  it('reports memory in bytes as OutOfmemory', () => {
    const result = admitPod(pod('big', [{ memory: '6Gi' }]), [pod('old', [{ memory: '3Gi' }])], node);
    expect(result).toMatchObject({ admit: false, reason: 'OutOfmemory' });
    expect((result as { message: string }).message).toBe(
      `Node didn't have enough resource: memory, requested: ${6 * 1024 ** 3}, used: ${3 * 1024 ** 3}, capacity: ${8 * 1024 ** 3}`);
  });

  it('checks the pod count before cpu and memory', () => {
    const others = Array.from({ length: 2 }, (_, i) => pod(`p${i}`, [{}]));
    expect(admitPod(pod('x', [{ cpu: '100' }]), others, { ...node, pods: '2' })).toMatchObject({
      reason: 'OutOfpods', message: "Node didn't have enough resource: pods, requested: 1, used: 2, capacity: 2",
    });
  });

  it('admits a pod requesting exactly what is left', () => {
    expect(admitPod(pod('x', [{ cpu: '3' }]), [pod('o', [{ cpu: '1' }])], node).admit).toBe(true);
  });

  it('admits a BestEffort pod on a full node (it only needs a pod slot)', () => {
    expect(admitPod(pod('x', [{}]), [pod('o', [{ cpu: '4', memory: '8Gi' }])], node).admit).toBe(true);
  });
});
