// .cluster/launcher.json: how other programs find a running harbour
// ==================================================================
// CONCEPT   While the launcher runs it keeps one small JSON file current: its own pid (a second
//           launcher in the same folder refuses to start), the control API's URL (the chaos CLI
//           and scenario runner use it), the apiserver URL, the kubeconfig, and every component's
//           pid (so a launcher that was SIGKILLed can be cleaned up after by the next one).
// REAL K8S  Nothing quite like it; the nearest are systemd's unit state and kind's container labels,
//           which `kind get clusters` reads to find clusters.
// SHIPS     The harbour master's door sign: who is on duty and where to knock.
// EXAMPLE   { "pid": 4242, "control": "http://127.0.0.1:10200", "apiserver": "http://127.0.0.1:6443",
//             "kubeconfig": "/repo/.cluster/kubeconfig", "components": { "etcd": 4250, ... } }
// SKIPPED   file locking (flock): the pid check is enough for one person's working copy.

import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface LauncherFile {
  /** The launcher's own pid. */
  pid: number;
  /** Base URL of the control API, e.g. "http://127.0.0.1:10200". */
  control: string;
  apiserver: string;
  kubeconfig: string;
  /** Wall-clock ISO time the launcher started. */
  startedAt: string;
  /** Component name to pid, for every component with a live process of its own. */
  components: Record<string, number>;
  /** "processes" (the default) or "in-process": every component but etcd inside the launcher's pid. */
  mode?: 'processes' | 'in-process';
}

/** The file's path inside a state folder. */
export function launcherFilePath(dir: string): string {
  return join(dir, 'launcher.json');
}

/** Reads launcher.json; undefined when absent or unreadable. */
export function readLauncherFile(dir: string): LauncherFile | undefined {
  try {
    return JSON.parse(readFileSync(launcherFilePath(dir), 'utf8')) as LauncherFile;
  } catch {
    return undefined;
  }
}

/** Writes launcher.json atomically (write, then rename), so a reader never sees half a file. */
export function writeLauncherFile(dir: string, file: LauncherFile): void {
  const path = launcherFilePath(dir);
  writeFileSync(`${path}.tmp`, JSON.stringify(file, null, 2) + '\n');
  renameSync(`${path}.tmp`, path);
}

export function removeLauncherFile(dir: string): void {
  rmSync(launcherFilePath(dir), { force: true });
}
