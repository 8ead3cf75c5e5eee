// Bodies captured from the real kubectl 1.32 decode into what `kubectl create -f` would send, and
// decodeBody answers malformed or undecodable protobuf the way the API reports client errors.
// Captured by running kubectl against the test control plane through a recording proxy.
import { describe, expect, it } from 'vitest';
import { decodeBody } from '../../apiserver/handlers/request.ts';
import { decodeProtobuf } from '../../apiserver/protobuf/decode.ts';
import { StatusError } from '../../apiserver/status.ts';
import { envelope, hex, msg, str } from '../helpers/protobuf-writer.ts';

const PROTOBUF = 'application/vnd.kubernetes.protobuf';

/** `kubectl create namespace lesson` */
const createNamespace = hex(`
    6b3873000a0f0a02763112094e616d657370616365121e0a160a066c6573736f6e12001a0022002a0032003800420012001a020a001a002200`);

/** `kubectl create service nodeport besu --tcp=8545:8545` */
const createNodePortService = hex(`
    6b3873000a0d0a027631120753657276696365126e0a210a046265737512001a0022002a003200380042005a0b0a036170701204626573
    7512450a1e0a09383534352d38353435120354435018e1422207080010e1421a002800120b0a036170701204626573751a0022084e6f64
    65506f72743a00420052005a00600068001a020a001a002200`);

/** `kubectl debug node/node-1 --image=busybox` (the debugger pod) */
const debugNode = hex(`
    6b3873000a090a0276311203506f6412d4010a2a0a1a6e6f64652d64656275676765722d6e6f64652d312d746378746b12001a002200
    2a003200380042001293010a120a09686f73742d726f6f7412050a030a012f12450a086465627567676572120762757379626f782a00
    42004a180a09686f73742d726f6f7410001a052f686f7374220032006a007200800100880100900100a2010446696c651a054e657665
    72320042004a0052066e6f64652d315801600168018201008a01009a0100b2010e0a0012064578697374731a002200c201001a100a00
    1a0022002a0032004a005a0072001a002200`);

/** `kubectl debug rich --copy-to=rich-copy --image=busybox --container=dbg`: a copy of a pod using most PodSpec features. */
const debugCopy = hex(`
    6b3873000a090a0276311203506f6412d7060a2f0a09726963682d636f707912001a0764656661756c7422002a003200
    38004200620d0a046e6f7465120568656c6c6f1291060a130a0464617461120b12090a0012050a033147690a1b0a0363
    666712149a01110a040a02636d12060a016112016218a403129f030a0462657375121568797065726c65646765722f62
    6573753a32342e3122122d2d7270632d687474702d656e61626c65642a0032110a03727063100018e14222035443502a
    003a060a01411201313a1c0a03504f4412001a130a110a00120d6d657461646174612e6e616d653a1f0a034350551200
    1a1612140a00120a6c696d6974732e6370751a040a02316d3a130a015312001a0c220a0a030a017312016b1800422c0a
    0a0a0363707512030a0131120d0a0363707512060a043530306d120f0a066d656d6f727912050a033147694a130a0464
    61746110011a052f646174612200320052190a0d1a0b0a07080010e1421a001200100a18002000280030005a280a1c12
    1a0a092f6c6976656e6573731209080110001a037270631a0022001000180020052800300362061204220208056a142f
    6465762f7465726d696e6174696f6e2d6c6f67720c49664e6f7450726573656e747a110a0b0a094e45545f41444d494e
    100030018001008801009001009a010c0a02585f12060a040a02636da2010446696c65b201140a080a060a0474727565
    1000180020002800300012260a03646267120762757379626f782a0042006a007200800100880100900100a201044669
    6c651a06416c776179732000320c436c757374657246697273743a0b0a046469736b120373736442004a005200580060
    006800720a10e8072001200228d00f8201008a01009201180a160a140a120a100a047a6f6e651202496e1a01611a0162
    9a011164656661756c742d7363686564756c6572b201260a096465646963617465641205457175616c1a046265737522
    0a4e6f5363686564756c65281eb201360a1c6e6f64652e6b756265726e657465732e696f2f6e6f742d72656164791206
    4578697374731a0022094e6f4578656375746528ac02b201380a1e6e6f64652e6b756265726e657465732e696f2f756e
    726561636861626c6512064578697374731a0022094e6f4578656375746528ac02c20100c801001a100a001a0022002a
    0032004a005a0072001a002200`);

describe('bodies the real kubectl sends', () => {
  it('create namespace', () => {
    expect(decodeProtobuf(createNamespace)).toEqual({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'lesson' }, spec: {}, status: {} });
  });

  it('create service nodeport', () => {
    expect(decodeProtobuf(createNodePortService)).toEqual({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'besu', labels: { app: 'besu' } },
      spec: { ports: [{ name: '8545-8545', protocol: 'TCP', port: 8545, targetPort: 8545 }], selector: { app: 'besu' }, type: 'NodePort' },
      status: { loadBalancer: {} },
    });
  });

  it('debug node: a privileged pod pinned to the node, with the host filesystem mounted', () => {
    expect(decodeProtobuf(debugNode)).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'node-debugger-node-1-tcxtk' },
      spec: {
        volumes: [{ name: 'host-root', hostPath: { path: '/' } }],
        containers: [{ name: 'debugger', image: 'busybox', resources: {}, volumeMounts: [{ name: 'host-root', mountPath: '/host' }], terminationMessagePolicy: 'File' }],
        restartPolicy: 'Never',
        nodeName: 'node-1',
        hostNetwork: true,
        hostPID: true,
        hostIPC: true,
        tolerations: [{ operator: 'Exists' }],
      },
      status: {},
    });
  });

  it('debug --copy-to: every field of the original pod survives the round trip', () => {
    const pod = decodeProtobuf(debugCopy) as { metadata: unknown; spec: Record<string, unknown> };
    expect(pod.metadata).toEqual({ name: 'rich-copy', namespace: 'default', annotations: { note: 'hello' } });
    const { containers, ...rest } = pod.spec as { containers: unknown[] };
    expect(rest).toEqual({
      volumes: [
        { name: 'data', emptyDir: { sizeLimit: '1Gi' } },
        { name: 'cfg', configMap: { name: 'cm', items: [{ key: 'a', path: 'b' }], defaultMode: 420 } },
      ],
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 0,
      dnsPolicy: 'ClusterFirst',
      nodeSelector: { disk: 'ssd' },
      securityContext: { runAsUser: 1000, supplementalGroups: [1, 2], fsGroup: 2000 },
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a', 'b'] }] }] } } },
      schedulerName: 'default-scheduler',
      tolerations: [
        { key: 'dedicated', operator: 'Equal', value: 'besu', effect: 'NoSchedule', tolerationSeconds: 30 },
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      ],
      priority: 0,
    });
    expect(containers).toEqual([
      {
        name: 'besu',
        image: 'hyperledger/besu:24.1',
        args: ['--rpc-http-enabled'],
        ports: [{ name: 'rpc', containerPort: 8545, protocol: 'TCP' }],
        env: [
          { name: 'A', value: '1' },
          { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          { name: 'CPU', valueFrom: { resourceFieldRef: { resource: 'limits.cpu', divisor: '1m' } } },
          { name: 'S', valueFrom: { secretKeyRef: { name: 's', key: 'k', optional: false } } },
        ],
        envFrom: [{ prefix: 'X_', configMapRef: { name: 'cm' } }],
        resources: { limits: { cpu: '1' }, requests: { cpu: '500m', memory: '1Gi' } },
        volumeMounts: [{ name: 'data', readOnly: true, mountPath: '/data' }],
        livenessProbe: { tcpSocket: { port: 8545 }, initialDelaySeconds: 10 },
        readinessProbe: { httpGet: { path: '/liveness', port: 'rpc' }, periodSeconds: 5, failureThreshold: 3 },
        startupProbe: { exec: { command: ['true'] } },
        lifecycle: { preStop: { sleep: { seconds: 5 } } },
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'File',
        imagePullPolicy: 'IfNotPresent',
        securityContext: { capabilities: { add: ['NET_ADMIN'] }, privileged: false, readOnlyRootFilesystem: true },
      },
      { name: 'dbg', image: 'busybox', resources: {}, terminationMessagePolicy: 'File' },
    ]);
  });
});

describe('decodeBody with the protobuf content type', () => {
  /** The Status a decodeBody call throws. */
  function refusal(raw: Buffer | undefined, contentType = PROTOBUF) {
    try {
      decodeBody(raw, contentType);
    } catch (err) {
      if (err instanceof StatusError) return { code: err.code, reason: err.status.reason, message: err.status.message };
      throw err;
    }
    throw new Error('decodeBody accepted the body');
  }

  it('decodes a Buffer body into the JSON-shaped object', () => {
    expect(decodeBody(createNamespace, PROTOBUF)).toMatchObject({ kind: 'Namespace', metadata: { name: 'lesson' } });
    expect(decodeBody(createNamespace, `${PROTOBUF}; charset=binary`)).toMatchObject({ kind: 'Namespace' });
  });

  it('answers 400 BadRequest for an empty, truncated or non-protobuf body', () => {
    expect(refusal(Buffer.alloc(0))).toMatchObject({ code: 400, reason: 'BadRequest', message: expect.stringContaining('the request body is empty') });
    expect(refusal(createNamespace.subarray(0, 40))).toMatchObject({ code: 400, message: expect.stringMatching(/^the request body is not valid protobuf: truncated message/) });
    expect(refusal(Buffer.from('{"kind":"Namespace"}'))).toMatchObject({ code: 400, message: expect.stringContaining('expected prefix') });
  });

  it('answers 415 UnsupportedMediaType for a kind without a field table', () => {
    const claim = envelope('v1', 'PersistentVolumeClaim', msg(1, str(1, 'data')));
    expect(refusal(claim)).toMatchObject({ code: 415, reason: 'UnsupportedMediaType', message: expect.stringContaining('not v1 PersistentVolumeClaim; send JSON instead') });
  });

  it('still reads JSON text as before', () => {
    expect(decodeBody('{"kind":"Namespace"}', 'application/json')).toEqual({ kind: 'Namespace' });
  });
});
