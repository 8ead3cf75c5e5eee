// Services: a stable address in front of changing pods, and who hands out the addresses
// =====================================================================================
// CONCEPT   A Service gets a virtual ClusterIP from the service range and, for NodePort and
//           LoadBalancer types, a port in 30000-32767 on every node. Both must be unique in the
//           whole cluster, so the apiserver allocates them *in the same etcd transaction* that stores
//           the Service: one reservation key per IP and per port, created only if absent. Two
//           concurrent creates can never get the same address; a delete frees them atomically.
// REAL K8S  pkg/registry/core/service/storage/alloc.go, pkg/registry/core/service/ipallocator/,
//           pkg/registry/core/service/portallocator/, pkg/apis/core/v1/defaults.go (SetDefaults_Service)
// SHIPS     The harbour's radio frequencies: each service gets its own channel, never shared.
// EXAMPLE   { type: NodePort, ports: [{ port: 8545 }] }  =>  clusterIP 127.96.14.3,
//           ports [{ port: 8545, targetPort: 8545, nodePort: 31207, protocol: TCP }]
// SKIPPED   Dual-stack, headless services' DNS, ExternalName, session affinity behaviour.

import type { KubeObject, Service } from '../../api/types.ts';
import { isDNS1123Label } from '../../api/names.ts';
import { cause, required } from '../status.ts';
import type { SideKey } from '../storage/etcd-store.ts';
import { AGE_COLUMN, column, humanAge, NAME_COLUMN, type Strategy } from './strategy.ts';

export interface ServiceRanges {
  /** CIDR for ClusterIPs. @default "127.96.0.0/16" */
  clusterIPRange: string;
  /** Inclusive NodePort range. @default [30000, 32767] */
  nodePortRange: [number, number];
}

const asService = (obj: KubeObject) => obj as Service;
const ipKey = (ip: string) => `/registry/ranges/serviceips/${ip}`;
const portKey = (port: number) => `/registry/ranges/servicenodeports/${port}`;

function parseCidr(cidr: string): { base: number; size: number } {
  const [addr, bits] = cidr.split('/');
  const base = addr.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
  return { base, size: 2 ** (32 - Number(bits)) };
}

const ipString = (n: number) => [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');

/** Picks a random free value, as the real bitmap allocator does (random start, then scan). */
function pickFree<T>(count: number, at: (i: number) => T, taken: (v: T) => boolean): T | undefined {
  const start = Math.floor(Math.random() * count);
  for (let i = 0; i < count; i++) {
    const v = at((start + i) % count);
    if (!taken(v)) return v;
  }
  return undefined;
}

const needsNodePorts = (svc: Service) => svc.spec.type === 'NodePort' || svc.spec.type === 'LoadBalancer';

export function serviceStrategy(ranges: ServiceRanges): Strategy {
  const { base, size } = parseCidr(ranges.clusterIPRange);
  const [low, high] = ranges.nodePortRange;
  const inRange = (ip: string) => {
    const n = parseCidr(`${ip}/32`).base;
    return n > base && n < base + size - 1;
  };
  return {
    nameIsLabel: true,
    defaults(obj) {
      const spec = asService(obj).spec;
      if (!spec || typeof spec !== 'object') return;
      spec.type ??= 'ClusterIP';
      spec.sessionAffinity ??= 'None';
      spec.ipFamilies ??= ['IPv4'];
      spec.ipFamilyPolicy ??= 'SingleStack';
      spec.internalTrafficPolicy ??= 'Cluster';
      if (needsNodePorts(asService(obj))) spec.externalTrafficPolicy ??= 'Cluster';
      for (const p of spec.ports ?? []) {
        p.protocol ??= 'TCP';
        p.targetPort ??= p.port;
      }
    },
    prepareForCreate(obj) {
      asService(obj).status = { loadBalancer: {} };
    },
    prepareForUpdate(obj, old) {
      const svc = asService(obj);
      const before = asService(old);
      svc.status = before.status;
      // Clients that never saw the allocated values (kubectl apply) must not lose them.
      if (svc.spec && !svc.spec.clusterIP) {
        svc.spec.clusterIP = before.spec.clusterIP;
        svc.spec.clusterIPs = before.spec.clusterIPs;
      }
      for (const p of svc.spec?.ports ?? []) {
        // Defaults run after this, so a port sent without protocol still means TCP here.
        p.nodePort ??= before.spec.ports?.find((q) => q.port === p.port && (q.protocol ?? 'TCP') === (p.protocol ?? 'TCP'))?.nodePort;
      }
    },
    validate(obj) {
      const svc = asService(obj);
      if (!svc.spec || typeof svc.spec !== 'object') return [required('spec')];
      const causes = [];
      if (svc.spec.type && !['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'].includes(svc.spec.type)) {
        causes.push(cause('spec.type', `Unsupported value: "${svc.spec.type}": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"`, 'FieldValueNotSupported'));
      }
      const ports = svc.spec.ports ?? [];
      if (ports.length === 0 && svc.spec.type !== 'ExternalName' && svc.spec.clusterIP !== 'None') causes.push(required('spec.ports'));
      const names = new Set<string>();
      ports.forEach((p, i) => {
        if (!Number.isInteger(p.port) || p.port < 1 || p.port > 65535) causes.push(cause(`spec.ports[${i}].port`, `Invalid value: ${JSON.stringify(p.port)}: must be between 1 and 65535, inclusive`));
        if (ports.length > 1 && !p.name) causes.push(required(`spec.ports[${i}].name`));
        if (p.name) {
          for (const m of isDNS1123Label(p.name)) causes.push(cause(`spec.ports[${i}].name`, `Invalid value: "${p.name}": ${m}`));
          if (names.has(p.name)) causes.push(cause(`spec.ports[${i}].name`, `Duplicate value: "${p.name}"`, 'FieldValueDuplicate'));
          names.add(p.name);
        }
        if (p.nodePort !== undefined && (p.nodePort < low || p.nodePort > high)) {
          causes.push(cause(`spec.ports[${i}].nodePort`, `Invalid value: ${p.nodePort}: provided port is not in the valid range. The range of valid ports is ${low}-${high}`));
        }
        if (p.nodePort !== undefined && !needsNodePorts(svc)) causes.push(cause(`spec.ports[${i}].nodePort`, 'Forbidden: may not be used when `type` is \'ClusterIP\'', 'FieldValueForbidden'));
      });
      const ip = svc.spec.clusterIP;
      if (ip && ip !== 'None' && !inRange(ip)) {
        causes.push(cause('spec.clusterIPs[0]', `Invalid value: "${ip}": provided IP is not in the valid range. The range of valid IPs is ${ranges.clusterIPRange}`));
      }
      return causes;
    },
    validateUpdate(obj, old) {
      const causes = this.validate!(obj);
      const before = asService(old).spec.clusterIP;
      if (before && asService(obj).spec.clusterIP !== before) {
        causes.push(cause('spec.clusterIPs[0]', `Invalid value: "${asService(obj).spec.clusterIP}": may not change once set`));
      }
      return causes;
    },
    allocate(obj, old, taken) {
      const svc = asService(obj);
      const side: SideKey[] = [];
      const key = `${svc.metadata.namespace}/${svc.metadata.name}`;
      if (!svc.spec.clusterIP && svc.spec.type !== 'ExternalName') {
        const ip = pickFree(size - 2, (i) => ipString(base + 1 + i), (v) => taken(ipKey(v)));
        if (!ip) throw new Error(`no ClusterIPs left in ${ranges.clusterIPRange}`);
        svc.spec.clusterIP = ip;
        svc.spec.clusterIPs = [ip];
        side.push({ key: ipKey(ip), value: key });
      } else if (svc.spec.clusterIP && svc.spec.clusterIP !== 'None' && !old) {
        svc.spec.clusterIPs = [svc.spec.clusterIP];
        side.push({ key: ipKey(svc.spec.clusterIP), value: key });
      }
      const kept = new Set((old ? asService(old).spec.ports ?? [] : []).map((p) => p.nodePort));
      for (const p of svc.spec.ports ?? []) {
        if (!needsNodePorts(svc)) continue;
        if (p.nodePort === undefined) {
          p.nodePort = pickFree(high - low + 1, (i) => low + i, (v) => taken(portKey(v)) || side.some((s) => s.key === portKey(v)));
          if (p.nodePort === undefined) throw new Error(`no NodePorts left in ${low}-${high}`);
        }
        if (!kept.has(p.nodePort)) side.push({ key: portKey(p.nodePort), value: key });
      }
      // Ports the update no longer uses are released in the same transaction.
      const now = new Set(svc.spec.ports?.map((p) => p.nodePort));
      for (const port of kept) if (port !== undefined && !now.has(port)) side.push({ key: portKey(port) });
      return side;
    },
    release(obj) {
      const svc = asService(obj);
      const keys = svc.spec?.clusterIP && svc.spec.clusterIP !== 'None' ? [ipKey(svc.spec.clusterIP)] : [];
      for (const p of svc.spec?.ports ?? []) if (p.nodePort) keys.push(portKey(p.nodePort));
      return keys;
    },
    table: {
      columns: [
        NAME_COLUMN,
        column('Type', 'string', 'The type of the service.'),
        column('Cluster-IP', 'string', 'The cluster IP of the service.'),
        column('External-IP', 'string', 'The external IP of the service.'),
        column('Port(s)', 'string', 'The ports of the service.'),
        AGE_COLUMN,
        column('Selector', 'string', 'The selector of the service.', 1),
      ],
      cells(obj, now) {
        const svc = asService(obj);
        const external = svc.status?.loadBalancer?.ingress?.map((i) => i.ip ?? i.hostname).join(',')
          || svc.spec.externalIPs?.join(',')
          || (svc.spec.type === 'LoadBalancer' ? '<pending>' : '<none>');
        const ports = (svc.spec.ports ?? []).map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`).join(',') || '<none>';
        const selector = Object.entries(svc.spec.selector ?? {}).map(([k, v]) => `${k}=${v}`).join(',') || '<none>';
        return [svc.metadata.name, svc.spec.type ?? 'ClusterIP', svc.spec.clusterIP ?? '<none>', external, ports, humanAge(svc.metadata.creationTimestamp, now), selector];
      },
    },
  };
}
