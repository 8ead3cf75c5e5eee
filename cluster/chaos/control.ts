// Talking to a running launcher: its control API, found through launcher.json
// ===========================================================================
// CONCEPT   The chaos tool and the scenario runner are separate programs; the launcher that holds
//           every process writes its control API's URL into <dir>/launcher.json. We read that
//           file, check the launcher is alive, and wrap each route in a typed call. Errors come
//           back in plain words ("no component \"kubelet/node-9\"; known: ..."), never a stack.
// REAL K8S  None: on real machines these are `systemctl`, `kubeadm join` and network tools.
// SHIPS     The bell rope's other end: the instructor's hand.
// EXAMPLE   const control = LauncherControl.fromDir('.cluster');
//           await control.component('kube-scheduler', 'stop');   // { name, state: "stopped", ... }
//           await control.link('node-2', 'slow', '5s');          // { mode: "slow", delayMs: 5000, ... }
// SKIPPED   retries: a launcher that does not answer is reported at once.

import { resolve } from 'node:path';
import { readLauncherFile, type LauncherFile } from '../launcher-file.ts';
import { pidAlive } from '../process.ts';
import type { ShipConfig } from '../config.ts';
import type { ComponentStatus } from '../supervisor.ts';
import type { LinkState } from './node-link.ts';
import type { HarbourInfo } from './routes.ts';

export type ComponentAction = 'start' | 'stop' | 'restart' | 'kill';

/** A typed client of the launcher's control API. */
export class LauncherControl {
  /** @param url the control API's base URL, e.g. "http://127.0.0.1:10200" */
  constructor(readonly url: string, readonly file?: LauncherFile) {}

  /**
   * Finds the launcher of a state folder.
   * @param dir @default ".cluster"
   * @throws when no launcher runs there, with what to do about it
   */
  static fromDir(dir = '.cluster'): LauncherControl {
    const file = readLauncherFile(resolve(dir));
    if (!file) throw new Error(`no harbour is running in ${dir} (no launcher.json): start one with \`npm run cluster\`, or pass --dir`);
    if (!pidAlive(file.pid)) throw new Error(`the launcher in ${dir} (pid ${file.pid}) is gone; start the harbour again with \`npm run cluster\``);
    return new LauncherControl(file.control, file);
  }

  components(): Promise<ComponentStatus[]> {
    return this.call('GET', '/components');
  }

  /** start / stop / restart / kill (with a signal: SIGKILL by default, SIGSTOP to pause, SIGCONT to resume). */
  component(name: string, action: ComponentAction, signal?: NodeJS.Signals): Promise<ComponentStatus> {
    const query = signal ? `?signal=${signal}` : '';
    return this.call('POST', `/components/${name}/${action}${query}`);
  }

  harbour(): Promise<HarbourInfo> {
    return this.call('GET', '/harbour');
  }

  links(): Promise<LinkState[]> {
    return this.call('GET', '/nodes');
  }

  /** partition / heal / slow (delay in Kubernetes time, e.g. "5s"). */
  link(node: string, action: 'partition' | 'heal' | 'slow', delay?: string): Promise<LinkState> {
    const query = action === 'slow' ? `?delay=${encodeURIComponent(delay ?? '0')}` : '';
    return this.call('POST', `/nodes/${node}/${action}${query}`);
  }

  /** A new ship; resolves once its kubelet's Node is Ready and its kube-proxy is serving. */
  addNode(ship: Partial<Pick<ShipConfig, 'name' | 'cpu' | 'memory' | 'pods'>>): Promise<ShipConfig> {
    return this.call('POST', '/nodes', ship, 120_000);
  }

  removeNode(name: string): Promise<{ removed: string }> {
    return this.call('DELETE', `/nodes/${name}`);
  }

  private async call<T>(method: string, path: string, body?: unknown, timeoutMs = 60_000): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.url}${path}`, {
        method, signal: AbortSignal.timeout(timeoutMs),
        ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
      });
    } catch (err) {
      throw new Error(`the launcher's control API at ${this.url} did not answer ${method} ${path}: ${(err as Error).message}`);
    }
    const text = await res.text();
    let answer: unknown;
    try {
      answer = JSON.parse(text);
    } catch {
      answer = text;
    }
    if (!res.ok) {
      const message = (answer as { error?: string })?.error ?? text;
      if (res.status === 404 && /^try GET \/components/.test(message)) {
        throw new Error(`this launcher has no ${path} route yet (an older launcher?): ${message}`);
      }
      throw new Error(message);
    }
    return answer as T;
  }
}
