// The page stays responsive with 100 ships and 3,000 containers while changes stream in.
// A real cluster that size is too heavy for this machine next to other test runs, so we feed a
// synthetic one through the dashboard's real model, protocol and WebSocket (fake informer sources),
// and measure in the browser: the time between animation frames while ~450 changes a second arrive.
// The figures go to test-output/dashboard-frame-times.json and the screenshot to test-output/screenshots/.
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Event, Lease, Pod } from '../../api/types.ts';
import { realClock } from '../../client/clock.ts';
import { startDashboard, type Dashboard } from '../../dashboard/server.ts';
import { fakeSources, node, pod, type FakeSources } from '../unit/dashboard-fakes.ts';
import { browserTestsEnabled, launchChromium, SCREENSHOTS } from './dashboard-harness.ts';

const NODES = 100;
const PODS = 3000;
const PENDING = 100;
let src: FakeSources;
let dashboard: Dashboard;
let browser: Browser;
let page: Page;
let seq = 0;

function synthetic(): FakeSources {
  const s = fakeSources();
  for (let i = 1; i <= NODES; i++) s.nodes.put(node(`node-${i}`, { cpu: String(8 * (1 + (i % 4))), memory: `${32 * (1 + (i % 4))}Gi`, ip: `127.0.${10 + Math.floor(i / 250)}.${i % 250}` }));
  for (let i = 0; i < PODS; i++) {
    const bound = i >= PENDING;
    s.pods.put(pod(`app-${i % 30}-${i}`, { node: bound ? `node-${1 + (i % NODES)}` : undefined, phase: bound ? 'Running' : 'Pending', owner: `app-${i % 30}`, cpu: '250m', memory: '512Mi' }));
  }
  for (let i = 0; i < 20; i++) {
    s.services.put({ metadata: { name: `svc-${i}`, namespace: 'default' }, spec: { type: 'ClusterIP', clusterIP: `127.96.0.${i + 10}`, ports: [{ port: 8545 }], selector: { app: `app-${i}` } } });
    s.endpoints.put({ metadata: { name: `svc-${i}`, namespace: 'default' }, subsets: [{ addresses: Array.from({ length: 5 }, (_, j) => ({ ip: `127.244.${i}.${j + 2}` })) }] });
  }
  for (let i = 0; i < 30; i++) s.replicationcontrollers.put({ metadata: { name: `app-${i}`, namespace: 'default' }, spec: { replicas: 100 }, status: { replicas: 100, readyReplicas: 97 } });
  for (let i = 1; i <= NODES; i++) s.leases.put(lease('kube-node-lease', `node-${i}`));
  s.leases.put(lease('kube-system', 'kube-scheduler'));
  s.leases.put(lease('kube-system', 'kube-controller-manager'));
  return s;
}

function lease(namespace: string, name: string): Lease {
  return { metadata: { name, namespace }, spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime: new Date().toISOString() } };
}

/** One tick (every 50 ms): 15 pod status changes, one binding and one new pending pod, 5 heartbeats, one Event. */
function tick(): void {
  const pods = src.pods.list();
  for (let k = 0; k < 15; k++) {
    const p = pods[Math.floor(Math.random() * pods.length)]!;
    if (!p.spec.nodeName) continue;
    const ready = Math.random() < 0.8;
    src.pods.put({ ...p, status: { ...p.status, phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] } } as Pod);
  }
  const waiting = pods.find((p) => !p.spec.nodeName);
  if (waiting) {
    src.pods.put({ ...waiting, spec: { ...waiting.spec, nodeName: `node-${1 + Math.floor(Math.random() * NODES)}` } });
    src.pods.put(pod(`new-${seq}`, { owner: 'app-1' }));
  }
  for (let k = 0; k < 5; k++) src.leases.put(lease('kube-node-lease', `node-${1 + ((seq * 5 + k) % NODES)}`));
  const e: Event = {
    metadata: { name: `ev-${seq}`, namespace: 'default' }, involvedObject: { kind: 'Pod', namespace: 'default', name: `new-${seq}` },
    reason: 'Scheduled', message: `Successfully assigned default/new-${seq} to node-7`, type: 'Normal', lastTimestamp: new Date().toISOString(),
  };
  src.events.put(e);
  seq++;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

describe.skipIf(!browserTestsEnabled())('the dashboard at scale', () => {
  beforeAll(async () => {
    src = synthetic();
    dashboard = await startDashboard({ port: 0, sources: src, clock: realClock(0.1) });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('pageerror', (err) => console.error(`page error: ${err.message}`));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await dashboard?.close();
  });

  it('draws 100 ships and 3,000 containers, and keeps frames coming while ~450 changes a second stream in', async () => {
    const t0 = Date.now();
    await page.goto(dashboard.url);
    await page.waitForFunction(() => (window as any).__harbour?.stats.renders > 0, undefined, { timeout: 30_000 });
    const firstPaintMs = Date.now() - t0;
    expect(await page.locator('#harbour .ship').count()).toBe(NODES);
    expect(await page.locator('#harbour .ship [data-pod]').count()).toBe(PODS - PENDING);

    // Collect the gaps between animation frames in the page while the cluster churns.
    await page.evaluate(() => {
      const w = window as any;
      w.__frames = [];
      let last = performance.now();
      const loop = (now: number) => {
        w.__frames.push(now - last);
        last = now;
        if (!w.__stopFrames) requestAnimationFrame(loop);
      };
      requestAnimationFrame(loop);
    });
    const timer = setInterval(tick, 50);
    const before = await page.evaluate(() => (window as any).__harbour.stats.batches);
    await new Promise((r) => setTimeout(r, 10_000));
    clearInterval(timer);
    const { frames, renderMs, batches, flights } = await page.evaluate(() => {
      const w = window as any;
      w.__stopFrames = true;
      return { frames: w.__frames.slice(1) as number[], renderMs: w.__harbour.stats.renderMs as number[], batches: w.__harbour.stats.batches, flights: w.__harbour.stats.flights };
    });
    await page.screenshot({ path: `${SCREENSHOTS}/dashboard-10-scale.png` });

    const sorted = [...frames].sort((a, b) => a - b);
    const renders = [...renderMs].sort((a, b) => a - b);
    const result = {
      nodes: NODES, pods: PODS, changesPerSecond: Math.round((seq * (15 + 2 + 5 + 1)) / 10), seconds: 10, firstPaintMs,
      frames: frames.length, frameMs: { p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), max: sorted.at(-1) },
      longFrames: frames.filter((f) => f > 50).length,
      renderMs: { p50: percentile(renders, 50), p95: percentile(renders, 95), max: renders.at(-1) },
      batches: batches - before, flights,
      // The machine is shared: the same page measures very differently at load 2 and at load 15.
      loadAverage: loadavg()[0]!.toFixed(1),
    };
    writeFileSync('test-output/dashboard-frame-times.json', JSON.stringify(result, null, 2) + '\n');
    console.log(`dashboard at scale: ${JSON.stringify(result)}`);
    expect(result.batches).toBeGreaterThan(50); // ~10 a second arrived and were drawn
    // Smooth most of the time even on a busy shared 2-core machine (60 fps is 16.7 ms), and never
    // the multi-second freezes a naive redraw of 3,000 containers per batch gives.
    expect(result.frameMs.p50).toBeLessThan(50);
    expect(result.frameMs.p95).toBeLessThan(1000);
  }, 90_000);
});
