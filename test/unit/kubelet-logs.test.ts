// Container logs: tails, timestamps, and followers that end with the container.
import { describe, expect, it } from 'vitest';
import { ContainerLog, formatLine, rfc3339Nano } from '../../kubelet/runtime/logs.ts';

describe('ContainerLog', () => {
  it('returns the tail, and lines since a time', () => {
    let now = 1000;
    const log = new ContainerLog(() => now);
    for (const l of ['a', 'b', 'c']) {
      log.append(l);
      now += 1000;
    }
    expect(log.read({ tailLines: 2 }).map((l) => l.text)).toEqual(['b', 'c']);
    expect(log.read({ tailLines: 0 })).toEqual([]);
    expect(log.read({ sinceTime: 2000 }).map((l) => l.text)).toEqual(['b', 'c']);
  });

  it('keeps the newest lines when it grows past its limit, as rotation would', () => {
    const log = new ContainerLog(() => 0, 10);
    for (let i = 0; i < 100; i++) log.append(String(i));
    const kept = log.read().map((l) => l.text);
    expect(kept.length).toBeLessThanOrEqual(12);
    expect(kept[kept.length - 1]).toBe('99');
  });

  it('streams new lines to followers and tells them when the instance ends', () => {
    const log = new ContainerLog(() => 0);
    const seen: (string | null)[] = [];
    log.follow((l) => seen.push(l ? l.text : null));
    log.append('x');
    log.end();
    log.append('after the end');
    expect(seen).toEqual(['x', null]);
  });

  it('formats timestamps as RFC 3339 with nanoseconds', () => {
    expect(rfc3339Nano(Date.parse('2026-01-01T00:00:01.5Z'))).toBe('2026-01-01T00:00:01.500000000Z');
    expect(formatLine({ time: Date.parse('2026-01-01T00:00:00Z'), text: 'hi' }, true)).toBe('2026-01-01T00:00:00.000000000Z hi\n');
  });
});
