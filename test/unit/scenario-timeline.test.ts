// The scenario timeline's stamps and wrapping, and the chaos timings it quotes (cluster/scenario/
// timeline.ts, cluster/chaos/timings.ts).
import { describe, expect, it } from 'vitest';
import { human, parseDuration, say, TIMINGS } from '../../cluster/chaos/timings.ts';
import { kubernetesSpan, Timeline, wrap } from '../../cluster/scenario/timeline.ts';

describe('Timeline', () => {
  it('stamps each line with wall seconds since the start and the same span in Kubernetes time', () => {
    const lines: string[] = [];
    const t = new Timeline({ timeScale: 0.1, print: (l) => lines.push(l), start: Date.now() - 4100 });
    t.line('\u25b6', 'Sink node-2');
    expect(lines[0]).toMatch(/^\[\+ {2}4\.1 s \| k8s {3}41 s\] {2}▶ Sink node-2$/);
  });

  it('wraps long text under itself and indents details without a stamp', () => {
    const lines: string[] = [];
    const t = new Timeline({ timeScale: 1, print: (l) => lines.push(l), width: 60 });
    t.line('!', 'one two three four five six seven eight nine ten eleven twelve thirteen');
    t.detail('why it happened');
    expect(lines.length).toBe(3);
    expect(lines[1]).toMatch(/^ {27}\S/);
    expect(lines[2]).toMatch(/^ {29}· why it happened$/);
    expect(t.lines).toEqual(lines);
  });

  it.each([[0, '0 s'], [41.4, '41 s'], [119, '119 s'], [123, '2m03s'], [3900, '1h05m']])('kubernetesSpan(%d) = %s', (s, text) => {
    expect(kubernetesSpan(s)).toBe(text);
  });

  it('wrap breaks at spaces and keeps paragraphs', () => {
    expect(wrap('aaa bbb ccc\nddd', 7)).toEqual(['aaa bbb', 'ccc', 'ddd']);
  });
});

describe('timings', () => {
  it('says a Kubernetes duration and its wall-clock value at the time scale', () => {
    expect(say(TIMINGS.nodeMonitorGracePeriod, 0.1)).toBe('40 s (4.0 s at time scale 0.1)');
    expect(say(TIMINGS.defaultTolerationSeconds, 1)).toBe('5 min');
    expect(human(1500)).toBe('1.5 s');
    expect(human(250)).toBe('250 ms');
  });

  it.each([['40s', 40_000], ['1m30s', 90_000], ['500ms', 500], ['5m', 300_000], ['0', 0], [1234, 1234]])('parseDuration(%j)', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it('refuses what is not a duration, quoting it', () => {
    expect(() => parseDuration('soon')).toThrow('"soon" is not a duration (examples: 40s, 1m30s, 500ms)');
    expect(() => parseDuration('5 s')).toThrow();
  });
});
