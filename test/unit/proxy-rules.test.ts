// The rule table against the real kube-proxy: the lines we write for a known set of services are
// the lines kube-proxy itself writes (pinned by a fixture from kubernetes' own tests), the
// probabilities split 1/n, 1/(n-1), ..., and walking them spreads connections evenly.
import { describe, expect, it } from 'vitest';
import type { Endpoints, Service } from '../../api/types.ts';
import { base32, endpointChain, serviceChain } from '../../proxy/chain-names.ts';
import { renderIptables, restoreLine, saveLine } from '../../proxy/iptables-save.ts';
import { buildRuleTable, computeProbability, type RuleTable } from '../../proxy/rules.ts';
import { endpointsByPort, servicePorts } from '../../proxy/service-ports.ts';
import { kernelProbability, pickBackend, statisticThreshold } from '../../proxy/statistic.ts';

interface SvcOptions { type?: Service['spec']['type']; externalIPs?: string[]; port?: number; portName?: string; nodePort?: number }
const svc = (ns: string, name: string, clusterIP: string, o: SvcOptions = {}): Service => ({
  metadata: { namespace: ns, name },
  spec: {
    type: o.type, clusterIP, externalIPs: o.externalIPs,
    ports: [{ name: o.portName ?? 'p80', port: o.port ?? 80, protocol: 'TCP', nodePort: o.nodePort }],
  },
});
const eps = (ns: string, name: string, ready: string[], notReady: string[] = [], port = 80, portName = 'p80'): Endpoints => ({
  metadata: { namespace: ns, name },
  subsets: [{
    addresses: ready.map((ip, i) => ({ ip, nodeName: `node-${i + 1}` })),
    notReadyAddresses: notReady.map((ip) => ({ ip, nodeName: 'node-9' })),
    ports: [{ name: portName, port, protocol: 'TCP' }],
  }],
});
const lines = (table: RuleTable, t: 'filter' | 'nat') =>
  table[t].rules.filter((r) => !table[t].builtinChains.includes(r.chain)).map(restoreLine);

// ## Parity with kube-proxy

// From kubernetes/kubernetes pkg/proxy/iptables/cleanup_test.go (TestCleanupLeftovers: the rules a
// v1.32 kube-proxy left behind), the services our simulator models: ns1 (ClusterIP), ns3
// (NodePort 3003), ns4 (external IP, two endpoints), ns6 (no endpoints). Cluster CIDR 10.0.0.0/8.
const FIXTURE_FILTER = `
-A KUBE-SERVICES -m comment --comment "ns6/svc6:p80 has no endpoints" -m tcp -p tcp -d 172.30.0.46 --dport 80 -j REJECT
-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP
-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT
-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`;
const FIXTURE_NAT = `
-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN
-A KUBE-POSTROUTING -j MARK --xor-mark 0x4000
-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE
-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000
-A KUBE-NODEPORTS -m comment --comment ns3/svc3:p80 -m tcp -p tcp --dport 3003 -j KUBE-EXT-X27LE4BHSL4DOUIK
-A KUBE-SERVICES -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp -p tcp -d 172.30.0.41 --dport 80 -j KUBE-SVC-XPGD46QRK7WJZT7O
-A KUBE-SERVICES -m comment --comment "ns3/svc3:p80 cluster IP" -m tcp -p tcp -d 172.30.0.43 --dport 80 -j KUBE-SVC-X27LE4BHSL4DOUIK
-A KUBE-SERVICES -m comment --comment "ns4/svc4:p80 cluster IP" -m tcp -p tcp -d 172.30.0.44 --dport 80 -j KUBE-SVC-4SW47YFZTEDKD3PK
-A KUBE-SERVICES -m comment --comment "ns4/svc4:p80 external IP" -m tcp -p tcp -d 192.168.99.33 --dport 80 -j KUBE-EXT-4SW47YFZTEDKD3PK
-A KUBE-EXT-4SW47YFZTEDKD3PK -m comment --comment "masquerade traffic for ns4/svc4:p80 external destinations" -j KUBE-MARK-MASQ
-A KUBE-EXT-4SW47YFZTEDKD3PK -j KUBE-SVC-4SW47YFZTEDKD3PK
-A KUBE-EXT-X27LE4BHSL4DOUIK -m comment --comment "masquerade traffic for ns3/svc3:p80 external destinations" -j KUBE-MARK-MASQ
-A KUBE-EXT-X27LE4BHSL4DOUIK -j KUBE-SVC-X27LE4BHSL4DOUIK
-A KUBE-SEP-C6EBXVWJJZMIWKLZ -m comment --comment ns4/svc4:p80 -s 10.180.0.5 -j KUBE-MARK-MASQ
-A KUBE-SEP-C6EBXVWJJZMIWKLZ -m comment --comment ns4/svc4:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.5:80
-A KUBE-SEP-OYPFS5VJICHGATKP -m comment --comment ns3/svc3:p80 -s 10.180.0.3 -j KUBE-MARK-MASQ
-A KUBE-SEP-OYPFS5VJICHGATKP -m comment --comment ns3/svc3:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.3:80
-A KUBE-SEP-SXIVWICOYRO3J4NJ -m comment --comment ns1/svc1:p80 -s 10.180.0.1 -j KUBE-MARK-MASQ
-A KUBE-SEP-SXIVWICOYRO3J4NJ -m comment --comment ns1/svc1:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.1:80
-A KUBE-SEP-UKSFD7AGPMPPLUHC -m comment --comment ns4/svc4:p80 -s 10.180.0.4 -j KUBE-MARK-MASQ
-A KUBE-SEP-UKSFD7AGPMPPLUHC -m comment --comment ns4/svc4:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.4:80
-A KUBE-SVC-4SW47YFZTEDKD3PK -m comment --comment "ns4/svc4:p80 cluster IP" -m tcp -p tcp -d 172.30.0.44 --dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ
-A KUBE-SVC-4SW47YFZTEDKD3PK -m comment --comment "ns4/svc4:p80 -> 10.180.0.4:80" -m statistic --mode random --probability 0.5000000000 -j KUBE-SEP-UKSFD7AGPMPPLUHC
-A KUBE-SVC-4SW47YFZTEDKD3PK -m comment --comment "ns4/svc4:p80 -> 10.180.0.5:80" -j KUBE-SEP-C6EBXVWJJZMIWKLZ
-A KUBE-SVC-X27LE4BHSL4DOUIK -m comment --comment "ns3/svc3:p80 cluster IP" -m tcp -p tcp -d 172.30.0.43 --dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ
-A KUBE-SVC-X27LE4BHSL4DOUIK -m comment --comment "ns3/svc3:p80 -> 10.180.0.3:80" -j KUBE-SEP-OYPFS5VJICHGATKP
-A KUBE-SVC-XPGD46QRK7WJZT7O -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp -p tcp -d 172.30.0.41 --dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ
-A KUBE-SVC-XPGD46QRK7WJZT7O -m comment --comment "ns1/svc1:p80 -> 10.180.0.1:80" -j KUBE-SEP-SXIVWICOYRO3J4NJ`;
const fixture = (text: string) => text.trim().split('\n').sort();

const fixtureTable = buildRuleTable({
  services: [
    svc('ns1', 'svc1', '172.30.0.41'),
    svc('ns3', 'svc3', '172.30.0.43', { type: 'NodePort', nodePort: 3003 }),
    svc('ns4', 'svc4', '172.30.0.44', { externalIPs: ['192.168.99.33'] }),
    svc('ns6', 'svc6', '172.30.0.46'),
  ],
  endpoints: [
    eps('ns1', 'svc1', ['10.180.0.1']),
    eps('ns3', 'svc3', ['10.180.0.3']),
    eps('ns4', 'svc4', ['10.180.0.5', '10.180.0.4']), // out of order on purpose: kube-proxy sorts
  ],
  nodeName: 'node-1',
  nodeIP: '192.168.0.2',
  clusterCIDR: '10.0.0.0/8',
});

describe('parity with kube-proxy (pkg/proxy/iptables fixtures)', () => {
  it('names chains with the real hash: base32(sha256(name + protocol [+ endpoint]))[:16]', () => {
    expect(serviceChain('ns1/svc1:p80', 'tcp')).toBe('KUBE-SVC-XPGD46QRK7WJZT7O');
    expect(endpointChain('ns1/svc1:p80', 'tcp', '10.180.0.1:80')).toBe('KUBE-SEP-SXIVWICOYRO3J4NJ');
    expect(endpointChain('ns4/svc4:p80', 'tcp', '10.180.0.5:80')).toBe('KUBE-SEP-C6EBXVWJJZMIWKLZ');
    expect(base32(Buffer.from('foobar'))).toBe('MZXW6YTBOI======'); // RFC 4648 test vector
  });

  it('writes exactly the nat rules kube-proxy writes for the same services', () => {
    const ours = lines(fixtureTable, 'nat').filter((l) => !l.includes('kubernetes service nodeports'));
    expect(ours.sort()).toEqual(fixture(FIXTURE_NAT));
  });

  it('writes exactly the filter rules, with a REJECT for the service without endpoints', () => {
    expect(lines(fixtureTable, 'filter').sort()).toEqual(fixture(FIXTURE_FILTER));
  });

  it('ends KUBE-SERVICES with the NodePort catch-all on this node\'s address', () => {
    const services = fixtureTable.nat.rules.filter((r) => r.chain === 'KUBE-SERVICES');
    expect(restoreLine(services.at(-1)!)).toBe(
      '-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -d 192.168.0.2 -j KUBE-NODEPORTS');
  });

  it('declares every chain it fills, and no NAT chain for a service without endpoints', () => {
    const declared = new Set(fixtureTable.nat.chains);
    for (const r of fixtureTable.nat.rules) if (!fixtureTable.nat.builtinChains.includes(r.chain)) expect(declared).toContain(r.chain);
    expect([...declared].filter((c) => c.startsWith('KUBE-SVC-'))).toHaveLength(3);
    expect(fixtureTable.nat.chains.join()).not.toContain(serviceChain('ns6/svc6:p80', 'tcp'));
  });
});

// ## Probabilities and the walk

const RPC_LB: SvcOptions = { type: 'LoadBalancer', port: 8545, portName: 'rpc', nodePort: 30545 };
const three = buildRuleTable({
  services: [svc('default', 'besu-rpc', '127.96.0.10', RPC_LB)],
  endpoints: [eps('default', 'besu-rpc', ['127.244.1.4', '127.244.2.7', '127.244.3.2'], ['127.244.9.9'], 8545, 'rpc')],
  nodeName: 'node-1',
  nodeIP: '127.0.10.1',
});

describe('the KUBE-SVC chain', () => {
  const chain = serviceChain('default/besu-rpc:rpc', 'tcp');
  const jumps = three.nat.rules.filter((r) => r.chain === chain && r.args.at(-1)!.startsWith('KUBE-SEP-'));

  it('splits 1/3, 1/2, then an unconditional last rule, in endpoint order', () => {
    expect(jumps.map((r) => r.args.includes('--probability') ? r.args[r.args.indexOf('--probability') + 1] : 'always'))
      .toEqual(['0.3333333333', '0.5000000000', 'always']);
    expect(jumps.map((r) => r.args[3])).toEqual([
      'default/besu-rpc:rpc -> 127.244.1.4:8545', 'default/besu-rpc:rpc -> 127.244.2.7:8545', 'default/besu-rpc:rpc -> 127.244.3.2:8545']);
    expect(computeProbability(4)).toBe('0.2500000000');
  });

  it('gives not-ready addresses no rule and no frontend backend', () => {
    expect(renderIptables(three)).not.toContain('127.244.9.9');
    expect(three.frontends[0].backends.map((b) => b.ip)).toEqual(['127.244.1.4', '127.244.2.7', '127.244.3.2']);
  });

  it('hands the forwarder every captured address with the same ordered odds', () => {
    expect(three.frontends.map((f) => `${f.kind} ${f.ip}:${f.port}`)).toEqual(['cluster IP 127.96.0.10:8545', 'node port 127.0.10.1:30545']);
    expect(three.frontends[0].backends.map((b) => b.probability)).toEqual([1 / 3, 1 / 2, 1]);
    expect(three.frontends[1].backends).toBe(three.frontends[0].backends);
  });

  it('walked like the kernel, gives each endpoint a third of new connections', () => {
    let seed = 42; // a small LCG, so the test is repeatable
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 0x80000000);
    const counts = new Map<string, number>();
    for (let i = 0; i < 30_000; i++) {
      const b = pickBackend(three.frontends[0].backends, rnd)!;
      counts.set(b.ip, (counts.get(b.ip) ?? 0) + 1);
    }
    for (const n of counts.values()) expect(Math.abs(n - 10_000)).toBeLessThan(500);
    expect(pickBackend([])).toBeUndefined();
  });

  it('stores probabilities as the kernel does: 31 bits, printed back with 11 digits', () => {
    expect(statisticThreshold(1 / 3)).toBe(715827883);
    expect(kernelProbability(1 / 3)).toBe('0.33333333349');
    expect(kernelProbability(1 / 2)).toBe('0.50000000000');
  });
});

describe('load balancers, node ports and services without endpoints', () => {
  const withIngress: Service = { ...svc('default', 'besu-rpc', '127.96.0.10', RPC_LB), status: { loadBalancer: { ingress: [{ ip: '127.200.0.1' }] } } };

  it('captures a load-balancer IP into KUBE-EXT, which masquerades and joins KUBE-SVC', () => {
    const t = buildRuleTable({ services: [withIngress], endpoints: [eps('default', 'besu-rpc', ['127.244.1.4'], [], 8545, 'rpc')], nodeName: 'n', nodeIP: '127.0.10.1' });
    const text = renderIptables(t, { format: 'restore' });
    expect(text).toContain('-A KUBE-SERVICES -m comment --comment "default/besu-rpc:rpc loadbalancer IP" -m tcp -p tcp -d 127.200.0.1 --dport 8545 -j KUBE-EXT-');
    expect(text).toMatch(/-A KUBE-NODEPORTS -m comment --comment default\/besu-rpc:rpc -m tcp -p tcp --dport 30545 -j KUBE-EXT-/);
    expect(t.frontends.map((f) => f.kind)).toEqual(['cluster IP', 'loadbalancer IP', 'node port']);
  });

  it('rejects every address of a service port with no ready endpoint, in the filter table', () => {
    const t = buildRuleTable({ services: [withIngress], endpoints: [eps('default', 'besu-rpc', [], ['127.244.1.4'], 8545, 'rpc')], nodeName: 'n', nodeIP: '127.0.10.1' });
    const filter = lines(t, 'filter').filter((l) => l.includes('has no endpoints'));
    expect(filter).toEqual([
      '-A KUBE-SERVICES -m comment --comment "default/besu-rpc:rpc has no endpoints" -m tcp -p tcp -d 127.96.0.10 --dport 8545 -j REJECT',
      '-A KUBE-EXTERNAL-SERVICES -m comment --comment "default/besu-rpc:rpc has no endpoints" -m tcp -p tcp -d 127.200.0.1 --dport 8545 -j REJECT',
      '-A KUBE-EXTERNAL-SERVICES -m comment --comment "default/besu-rpc:rpc has no endpoints" -m addrtype --dst-type LOCAL -m tcp -p tcp --dport 30545 -j REJECT',
    ]);
    expect(t.nat.chains.some((c) => /^KUBE-(SVC|EXT|SEP)-/.test(c))).toBe(false);
    expect(t.frontends.every((f) => f.backends.length === 0)).toBe(true);
  });

  it('skips headless and ExternalName services, and matches endpoints by port name', () => {
    expect(servicePorts(svc('d', 'headless', 'None'))).toEqual([]);
    expect(servicePorts({ metadata: { name: 'x', namespace: 'd' }, spec: { type: 'ExternalName', externalName: 'example.com' } })).toEqual([]);
    const two = endpointsByPort({ metadata: { name: 'b', namespace: 'd' }, subsets: [{ addresses: [{ ip: '127.244.1.1' }], ports: [{ name: 'rpc', port: 8545 }, { name: 'metrics', port: 9545 }] }] });
    expect([...two.keys()]).toEqual(['rpc/tcp', 'metrics/tcp']);
  });
});

describe('iptables-save format', () => {
  const text = renderIptables(three, { generatedAt: 'Sat Nov 22 14:52:00 2025' });

  it('prints tables between *name and COMMIT, built-in chains with a policy, ours with "-"', () => {
    expect(text).toMatch(/^# Generated by .*\n\*filter\n:INPUT ACCEPT \[0:0\]\n:FORWARD ACCEPT \[0:0\]\n:OUTPUT ACCEPT \[0:0\]\n:KUBE-EXTERNAL-SERVICES - \[0:0\]\n/);
    expect(text).toContain('COMMIT\n# Completed on Sat Nov 22 14:52:00 2025\n# Generated by');
    expect(text).toContain(`*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n`);
    expect(text).toContain(`:${serviceChain('default/besu-rpc:rpc', 'tcp')} - [0:0]\n`);
    expect(text).toContain('-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES\n');
  });

  it('prints rules as the kernel gives them back: addresses first with /32, quoted strings, stored odds', () => {
    const chain = serviceChain('default/besu-rpc:rpc', 'tcp');
    expect(text).toContain(`-A KUBE-SERVICES -d 127.96.0.10/32 -p tcp -m comment --comment "default/besu-rpc:rpc cluster IP" -m tcp --dport 8545 -j ${chain}\n`);
    expect(text).toContain(`-A ${chain} ! -s 127.244.0.0/16 -d 127.96.0.10/32 -p tcp -m comment --comment "default/besu-rpc:rpc cluster IP" -m tcp --dport 8545 -j KUBE-MARK-MASQ\n`);
    expect(text).toMatch(/--probability 0\.33333333349 -j KUBE-SEP-/);
    expect(saveLine({ chain: 'KUBE-SEP-X', args: ['-m', 'comment', '--comment', 'ns1/svc1:p80', '-m', 'tcp', '-p', 'tcp', '-j', 'DNAT', '--to-destination', '10.180.0.1:80'] }))
      .toBe('-A KUBE-SEP-X -p tcp -m comment --comment "ns1/svc1:p80" -m tcp -j DNAT --to-destination 10.180.0.1:80');
  });

  it('groups rules by chain, the KUBE-SVC rules in write order', () => {
    const svcLines = text.split('\n').filter((l) => l.startsWith(`-A ${serviceChain('default/besu-rpc:rpc', 'tcp')} `));
    expect(svcLines.map((l) => l.match(/-> ([\d.:]+)/)?.[1] ?? 'masq')).toEqual(['masq', '127.244.1.4:8545', '127.244.2.7:8545', '127.244.3.2:8545']);
  });
});
