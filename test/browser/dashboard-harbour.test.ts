// The harbour dashboard in headless Chromium, against a working practice harbour (real etcd and
// apiserver; scheduler, controller-manager, kubelets and kube-proxies in this process; the
// launcher's real control API in front of them). Every step is done by clicking the page.
// Screenshots go to test-output/screenshots/dashboard-*.png.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { browserTestsEnabled, launchChromium, SCREENSHOTS, startHarbour, type TestHarbour } from './dashboard-harness.ts';

const TIME_SCALE = 0.1; // the 300 s eviction toleration takes 30 s
let harbour: TestHarbour;
let browser: Browser;
let page: Page;
const shot = (name: string) => page.screenshot({ path: `${SCREENSHOTS}/dashboard-${name}.png` });

/** Runs `fn(arg)` in the page until it returns something truthy. */
async function inPage<A>(what: string, fn: (arg: A) => unknown, timeout = 20_000, arg?: A): Promise<unknown> {
  try {
    const handle = await page.waitForFunction(fn as (arg: unknown) => unknown, arg as unknown, { timeout, polling: 100 });
    return await handle.jsonValue();
  } catch (err) {
    throw new Error(`timed out waiting for ${what}: ${(err as Error).message.split('\n')[0]}`);
  }
}

describe.skipIf(!browserTestsEnabled())('the harbour dashboard', () => {
  beforeAll(async () => {
    harbour = await startHarbour({ nodes: 3, timeScale: TIME_SCALE, cpu: ['2', '4', '8'], memory: ['4Gi', '8Gi', '16Gi'] });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('pageerror', (err) => console.error(`page error: ${err.message}`));
    await page.goto(harbour.dashboard.url);
  }, 90_000);

  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail' && page) await shot(`failed-${ctx.task.name.slice(0, 30).replace(/\W+/g, '-')}`);
  });

  afterAll(async () => {
    await browser?.close();
    await harbour?.stop();
  }, 60_000);

  it('shows the control ship with its leaders, and the three cargo ships', async () => {
    await inPage('the first hello', () => (window as any).__harbour.ready);
    await inPage('three ships', () => document.querySelectorAll('#harbour .ship').length === 3);
    await inPage('a scheduler leader', () => document.querySelector('[data-comp="kube-scheduler"]')?.textContent?.includes('leader:'));
    for (const name of ['etcd', 'kube-apiserver', 'kube-scheduler', 'kube-controller-manager']) {
      expect(await page.getAttribute(`[data-comp="${name}"]`, 'class')).toContain('state-running');
    }
    expect(await page.textContent('[data-node="node-3"]')).toContain('Ready');
    expect(await page.textContent('[data-node="node-3"]')).toContain('cpu 0 / 8');
    await shot('01-harbour');
  });

  it('applying the Besu example puts pods on the dock, and the crane then lifts them onto ships', async () => {
    // With the scheduler down (killed from the control ship's panel), the pods must wait on the dock.
    await page.click('[data-comp="kube-scheduler"]');
    await page.click('#panel button:has-text("Kill")');
    await inPage('the scheduler cabin shows down', () => document.querySelector('[data-comp="kube-scheduler"]')?.classList.contains('state-down'));
    await page.selectOption('#example', 'besu-rpc.yaml');
    await page.click('#apply');
    await inPage('six pods on the dock', () => document.querySelectorAll('#harbour [data-dock]').length === 6);
    expect(await page.textContent('#harbour #dock')).toContain('kube-scheduler is down');
    expect(await page.locator('#harbour .ship [data-pod]').count()).toBe(0);
    await shot('02-dock');

    await page.click('[data-comp="kube-scheduler"]');
    await page.click('#panel button:text-is("Start")');
    await inPage('the crane lifting a container', () => document.querySelector('#flights .flight'), 30_000);
    await page.waitForTimeout(500);
    await shot('03-crane');
    await inPage('six pods aboard, the dock empty', () =>
      document.querySelectorAll('#harbour .ship [data-pod]').length === 6 && document.querySelectorAll('#harbour [data-dock]').length === 0, 30_000);
    expect(await page.evaluate(() => (window as any).__harbour.stats.flights)).toBeGreaterThanOrEqual(6);
    await inPage('the crane done', () => !document.querySelector('#flights .flight'));
    await shot('04-ships');
  });

  it('clicking a pod shows its scheduling decision: each ship\'s verdict, the scores, the winner', async () => {
    const key = (await page.getAttribute('#harbour .ship [data-pod]', 'data-pod'))!;
    const ship = await page.evaluate((k) => (window as any).__harbour.state.pods.get(k).node, key);
    await page.click(`#harbour .ship [data-pod="${key}"]`);
    await inPage('the decision', () => document.querySelector('#panel .verdict.winner'));
    expect(await page.textContent('#panel h2')).toContain(key);
    expect(await page.textContent('#panel .verdict.winner')).toContain(`${ship}: chosen, total`);
    expect(await page.textContent('#panel .verdict.winner .scores')).toMatch(/NodeResources\w+ \d+/);
    expect(await page.locator('#panel .verdict').count()).toBe(3);
    expect(await page.textContent('#panel')).toContain('the scheduler’s /explanations endpoint');
    await shot('05-why-pod');
  });

  it('clicking a Service shows its endpoints and kube-proxy\'s rules for it', async () => {
    await page.click('[data-svc="default/besu-rpc"]');
    await inPage('the rules', () => document.querySelector('#panel pre.rules')?.textContent?.includes('default/besu-rpc'));
    expect(await page.textContent('#panel')).toContain('Endpoints (from the endpoints office)');
    await shot('06-why-service');
  });

  it('sinking a ship (killing its kubelet) turns it NotReady, and its pods move after the eviction delay', async () => {
    const loaded = await page.evaluate(() => {
      const counts = new Map<string, number>();
      for (const p of (window as any).__harbour.state.pods.values()) if (p.node) counts.set(p.node, (counts.get(p.node) ?? 0) + 1);
      return [...counts].sort((a, b) => b[1] - a[1])[0]![0];
    });
    await page.click(`[data-node="${loaded}"] .hull`);
    await page.click('#panel button:has-text("Sink")');
    await inPage('the toast', () => document.getElementById('toast')?.textContent?.startsWith('sank'));
    await inPage(`${loaded} NotReady`, (n) => document.querySelector(`[data-node="${n}"]`)?.classList.contains('down'), 30_000, loaded);
    expect(await page.textContent(`[data-node="${loaded}"]`)).toContain('NotReady');
    await shot('07-sunk');
    await inPage('six live pods on the other ships', (sunk) => {
      const live = [...(window as any).__harbour.state.pods.values()].filter((p: any) => p.tone !== 'terminating');
      return live.length === 6 && live.every((p: any) => p.node && p.node !== sunk);
    }, 75_000, loaded);
    await page.waitForTimeout(2000); // let the crane finish
    await shot('08-moved');
  }, 120_000);

  it('scales the RC, crashes a container and kills a pod from the page', async () => {
    const live = () => page.evaluate(() => [...(window as any).__harbour.state.pods.values()].filter((p: any) => p.tone !== 'terminating').map((p: any) => p.key as string));
    const victim = (await live())[0]!;
    await page.click(`#harbour .ship [data-pod="${victim}"]`);
    await page.click('#panel .link:has-text("rc/besu-rpc")');
    await page.click('#panel button:has-text("+ 1")');
    await inPage('seven live pods', () => [...(window as any).__harbour.state.pods.values()].filter((p: any) => p.tone !== 'terminating' && p.node).length === 7, 30_000);
    expect(await page.textContent('#toast')).toContain('scaled rc/besu-rpc to 7');

    // A crash: kill -9 1 inside the container, through its kubelet; the kubelet restarts it.
    await page.click(`#harbour .ship [data-pod="${victim}"]`);
    await page.click('#panel button:has-text("Crash container")');
    await inPage('the crash answered', () => /crashed container|refused/.test(document.getElementById('toast')?.textContent ?? ''));
    expect(await page.textContent('#toast')).toContain('exits with code 137');
    await inPage('a restart counted', (v) => (window as any).__harbour.state.pods.get(v)?.restarts >= 1, 30_000, victim);

    // A pod kill: deleted at once; the replication office orders a replacement.
    await page.click(`#harbour .ship [data-pod="${victim}"]`);
    await page.click('#panel button:has-text("Kill pod")');
    await inPage('the victim gone and replaced', (v) => {
      const pods = [...(window as any).__harbour.state.pods.values()].filter((p: any) => p.tone !== 'terminating' && p.node);
      return !pods.some((p: any) => p.key === v) && pods.length === 7;
    }, 30_000, victim);
    expect(await page.textContent('#toast')).toContain(`killed ${victim}`);
  }, 90_000);

  it('names a Deployment as its pods\' workload, lists its ReplicaSets by revision, and scales it', async () => {
    const ready = (n: number) => inPage(`${n} besu-nodes pods aboard and ready`, (count) => [...(window as any).__harbour.state.pods.values()]
      .filter((p: any) => p.workload?.kind === 'Deployment' && p.workload.name === 'besu-nodes' && p.node && p.tone === 'running').length === count, 60_000, n);
    await page.selectOption('#example', 'besu-deployment.yaml');
    await page.click('#apply');
    await ready(4);
    const key = await page.evaluate(() => [...(window as any).__harbour.state.pods.values()].find((p: any) => p.workload?.name === 'besu-nodes' && p.node).key as string);
    await page.click(`#harbour .ship [data-pod="${key}"]`);
    // A pod of a Deployment is owned by a ReplicaSet; the panel names both, the Deployment first.
    expect(await page.textContent('#panel')).toMatch(/Ownerdeploy\/besu-nodes › rs\/besu-nodes-[a-z0-9]+/);
    await page.click('#panel .link:text-is("deploy/besu-nodes")');
    await inPage('the Deployment panel', () => document.querySelector('#panel h2')?.textContent?.startsWith('Deployment default/besu-nodes'));
    expect(await page.textContent('#panel')).toContain('RollingUpdate (maxSurge 1, maxUnavailable 0)');
    await inPage('its ReplicaSet listed', () => document.querySelector('#panel [data-rs]')?.textContent?.includes('4/4 ready'));
    expect(await page.locator('#panel [data-rs]').allTextContents()).toEqual([expect.stringMatching(/^rev 1 · rs\/besu-nodes-\w+ · 4\/4 ready · hyperledger\/besu:24\.1 \(newest\)$/)]);
    // Its four pods are outlined on the ships, and nobody else's.
    expect(await page.locator('#harbour .ship .pod.selected').count()).toBe(4);
    await shot('10-deployment');

    await page.click('#panel button:has-text("+ 1")');
    await inPage('the scale answered', () => document.getElementById('toast')?.textContent?.startsWith('scaled'));
    expect(await page.textContent('#toast')).toContain('scaled deploy/besu-nodes to 5');
    await ready(5);

    // A new image: a second ReplicaSet at revision 2 appears above the first, which drains to 0.
    await harbour.client.patch('deployments', 'besu-nodes', { spec: { template: { spec: { containers: [{ name: 'besu', image: 'hyperledger/besu:24.3' }] } } } },
      { namespace: 'default', type: 'strategic' });
    await inPage('the rollout done in the panel', () => {
      const rows = [...document.querySelectorAll('#panel [data-rs]')].map((e) => e.textContent ?? '');
      return rows.length === 2 && /^rev 2 .* 5\/5 ready · hyperledger\/besu:24\.3 \(newest\)$/.test(rows[0]!) && /^rev 1 .* 0\/0 ready/.test(rows[1]!);
    }, 90_000);
    expect(await page.textContent('#panel h2')).toContain('revision 2');
    await inPage('the five new pods outlined', () => document.querySelectorAll('#harbour .ship .pod.selected').length === 5, 30_000);
    await shot('11-rolled-out');
  }, 150_000);

  it('reconnects by itself when the apiserver restarts and when the dashboard restarts', async () => {
    const rev = async () => page.evaluate(() => (window as any).__harbour.state.writes.at(-1)?.revision ?? 0);
    await harbour.cp.restartApiServer();
    const before = await rev();
    await inPage('new writes after the apiserver restart', (b) => {
      const h = (window as any).__harbour.state;
      return (h.writes.at(-1)?.revision ?? 0) > b && h.api === 'connected';
    }, 30_000, before);
    await harbour.restartDashboard();
    await inPage('a second hello', () => (window as any).__harbour.stats.hellos === 2, 30_000);
    expect(await page.textContent('#conn')).toContain('live');
    expect(await page.locator('#harbour .ship').count()).toBe(3);
    await shot('09-reconnected');
  }, 60_000);
});
