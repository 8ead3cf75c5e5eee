// The generic container: its command read as a tiny shell script, and run on a FakeClock.
import { describe, expect, it } from 'vitest';
import type { Pod } from '../../api/types.ts';
import { FakeClock } from '../../client/clock.ts';
import { parseCommand, startGeneric } from '../../kubelet/runtime/generic.ts';
import { PortHost } from '../../kubelet/runtime/port-host.ts';

describe('parseCommand', () => {
  it.each([
    [[], [], { steps: [], daemon: true }],
    [['sh', '-c', 'exit 3'], [], { steps: [{ op: 'exit', code: 3 }], daemon: false }],
    [[], ['exit', '3'], { steps: [{ op: 'exit', code: 3 }], daemon: false }],
    [['sleep', '5'], [], { steps: [{ op: 'sleep', ms: 5000 }], daemon: false }],
    [['/bin/sh', '-c', 'echo "hello world"; sleep 2 && exit 1'], [], {
      steps: [{ op: 'echo', text: 'hello world' }, { op: 'sleep', ms: 2000 }, { op: 'exit', code: 1 }], daemon: false,
    }],
    [['sleep', 'infinity'], [], { steps: [], daemon: true }],
    [['nginx', '-g', 'daemon off;'], [], { steps: [], daemon: true }],
    [['false'], [], { steps: [{ op: 'exit', code: 1 }], daemon: false }],
  ])('%j %j', (command, args, script) => {
    expect(parseCommand(command, args)).toEqual(script);
  });

  it('reads `while true; do ...; done` as a loop', () => {
    expect(parseCommand(['sh', '-c', 'echo start; while true; do echo tick; sleep 1; done'])).toEqual({
      steps: [{ op: 'echo', text: 'start' }], loop: [{ op: 'echo', text: 'tick' }, { op: 'sleep', ms: 1000 }], daemon: false,
    });
  });
});

function context(command: string[], clock: FakeClock) {
  const lines: string[] = [];
  const exits: [number, string][] = [];
  const pod: Pod = { metadata: { name: 'p', namespace: 'default', uid: 'u' }, spec: { containers: [{ name: 'c', image: 'busybox', command }] } };
  return {
    lines, exits,
    ctx: {
      pod, container: pod.spec.containers[0], podIP: '127.244.9.2', clock, env: {}, ports: new PortHost(),
      log: (l: string) => lines.push(l), onExit: (code: number, reason: string) => exits.push([code, reason]),
    },
  };
}
const flush = () => new Promise((r) => setImmediate(r));

describe('startGeneric', () => {
  it('echoes, sleeps on the cluster clock, then exits with the code it names', async () => {
    const clock = new FakeClock();
    const { ctx, lines, exits } = context(['sh', '-c', 'echo hi; sleep 5; exit 3'], clock);
    await startGeneric(ctx);
    expect(lines).toEqual(['hi']);
    clock.advance(4999);
    await flush();
    expect(exits).toEqual([]);
    clock.advance(1);
    await flush();
    expect(exits).toEqual([[3, 'Error']]);
  });

  it('exits 0 "Completed" a moment after a command that just ends', async () => {
    const clock = new FakeClock();
    const { ctx, exits } = context(['true'], clock);
    await startGeneric(ctx);
    clock.advance(1000);
    await flush();
    expect(exits).toEqual([[0, 'Completed']]);
  });

  it('repeats a loop body until stopped, and never reports a stop as an exit', async () => {
    const clock = new FakeClock();
    const { ctx, lines, exits } = context(['sh', '-c', 'while true; do echo tick; sleep 1; done'], clock);
    const w = await startGeneric(ctx);
    clock.advance(2500);
    expect(lines).toEqual(['tick', 'tick', 'tick']);
    await w.stop();
    clock.advance(5000);
    await flush();
    expect(lines).toHaveLength(3);
    expect(exits).toEqual([]);
  });
});
