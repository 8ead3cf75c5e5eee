// Benchmark: from `npm run cluster` to every node Ready
// ====================================================
// CONCEPT   What a newcomer waits for after typing the first command. Each round is a cold start:
//           a fresh state folder (a new etcd), `npm run cluster -- --fresh` as a child process, the
//           clock stopped when the launcher prints "The harbour is open" (which it prints only once
//           every kubelet's Node reports Ready), then SIGTERM and a check that nothing is left.
//           We print every round (with the cpu-seconds all its processes used, which the machine's
//           load cannot stretch), the memory (RSS) they hold once open, the median, and which
//           component took longest to turn healthy. --in-process times the one-process mode.
// REAL K8S  kind create cluster takes 20-60 s; kubeadm init about a minute on a small VM.
// SHIPS     Timing the harbour's opening, from the first key turned to the last ship ready.
// EXAMPLE   npx tsx bench/cluster-start.ts [--rounds 5] [--nodes 3] [--tsx] [--in-process]
//           npm run bench -- cluster-start
// SKIPPED   warm starts (resuming from .cluster/), which skip etcd's first-time bootstrap.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pidAlive } from '../cluster/process.ts';
import { isolatedConfigYaml, spawnLauncher } from '../cluster/spawn-launcher.ts';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}

const rounds = Number(arg('rounds', '5'));
const nodes = arg('nodes', '3');
// --tsx: run the components with tsx instead of the esbuild bundle, to see what bundling saves.
const tsx = process.argv.includes('--tsx') ? ['--tsx'] : [];
// --in-process: every component but etcd inside the launcher (cluster/in-process.ts).
const mode = process.argv.includes('--in-process') ? ['--in-process'] : [];
const results: { ms: number; slowest: string; cpu: number; rssMB: number }[] = [];

/** Resident memory of a process now, in MB (/proc/<pid>/status VmRSS). */
function rssMB(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

/** utime + stime of a process so far, in seconds (/proc/<pid>/stat fields 14 and 15). */
function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

console.log(`cluster-start: ${rounds} cold starts of npm run cluster (${nodes} ships${tsx.length ? ', --tsx' : ''}${mode.length ? ', --in-process' : ''}), load average ${loadavg()[0]!.toFixed(1)} on this machine`);
for (let round = 1; round <= rounds; round++) {
  const dir = mkdtempSync(join(tmpdir(), 'harbour-bench-'));
  try {
    writeFileSync(join(dir, 'cluster.yaml'), isolatedConfigYaml({ seed: round }));
    const launcher = spawnLauncher({ args: ['--config', join(dir, 'cluster.yaml'), '--dir', join(dir, 'state'), '--fresh', '--nodes', nodes, ...tsx, ...mode] });
    const { ms, file } = await launcher.opened;
    // "  ✔ kubelet/node-2 (captain)   4.2 s": the component whose own start took longest.
    const ticks = launcher.lines.map((l) => /✔ (\S+) .* (\d+\.\d) s$/.exec(l)).filter((m) => m !== null);
    const slowest = ticks.sort((a, b) => Number(b[2]) - Number(a[2]))[0];
    // The cpu every process of the harbour used to get there: a figure the machine's load cannot
    // stretch. On an idle two-core machine the wall time cannot beat half of it.
    const cpu = [file.pid, ...Object.values(file.components)].reduce((sum, pid) => sum + cpuSeconds(pid), 0);
    // Memory of the launcher and every component process (etcd included) the moment the harbour opens.
    const rss = [file.pid, ...Object.values(file.components)].reduce((sum, pid) => sum + rssMB(pid), 0);
    results.push({ ms, slowest: slowest ? `${slowest[1]} ${slowest[2]} s` : '?', cpu, rssMB: rss });
    const stop = await launcher.stop('SIGTERM');
    const left = [file.pid, ...Object.values(file.components)].filter(pidAlive);
    console.log(`  round ${round}: every node Ready after ${(ms / 1000).toFixed(2)} s, ${cpu.toFixed(1)} cpu-s, ${rss.toFixed(0)} MB RSS in ${1 + Object.keys(file.components).length} processes (slowest: ${results.at(-1)!.slowest}); stopped in ${(stop.ms / 1000).toFixed(1)} s${left.length ? `; LEFT BEHIND ${left.join(',')}` : ''}`);
    if (left.length) process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const sorted = results.map((r) => r.ms).sort((a, b) => a - b);
const median = sorted[Math.floor(sorted.length / 2)]!;
const cpus = results.map((r) => r.cpu).sort((a, b) => a - b);
const rsses = results.map((r) => r.rssMB).sort((a, b) => a - b);
console.log(`cluster-start: median ${(median / 1000).toFixed(2)} s, min ${(sorted[0]! / 1000).toFixed(2)} s, max ${(sorted.at(-1)! / 1000).toFixed(2)} s (goal < 10 s); median ${cpus[Math.floor(cpus.length / 2)]!.toFixed(1)} cpu-s, median ${rsses[Math.floor(rsses.length / 2)]!.toFixed(0)} MB RSS; load average now ${loadavg()[0]!.toFixed(1)}`);
