// The scheduler's own HTTP endpoint: explanations, queue, health
// =============================================================
// CONCEPT   kube-scheduler serves /healthz and /metrics on its own port (10259). Ours also answers
//           "why did pod X go where it went?": the full explanation of its last attempt, every
//           filter verdict on every node and every score, which would never fit in an annotation.
// REAL K8S  cmd/kube-scheduler/app/server.go (newHealthEndpointsAndMetricsHandler) (v1.32);
//           the explanation routes are ours, in the spirit of kube-scheduler-simulator.
// SHIPS     The crane operator's window: ask why a container went where it did.
// EXAMPLE   GET /explanations/default/besu-0  =>  { selectedNode: "node-2", filter: {...}, score: {...} }
//           GET /explanations                 =>  [{ pod: "default/besu-0", node: "node-2", ... }]
//           GET /queue                        =>  { active: [], backoff: [], unschedulable: ["default/big"] }
// SKIPPED   /metrics, /configz, authentication (it listens on loopback only).

import Fastify, { type FastifyInstance } from 'fastify';
import { explanationToJSON } from './explanation.ts';
import type { PendingPods } from './queue.ts';
import type { Explanation } from './explanation.ts';

export interface SchedulerServerDeps {
  explanation(key: string): Explanation | undefined;
  explanations(): Explanation[];
  pending(): PendingPods;
  isLeader(): boolean;
}

/** Builds (does not start) the endpoint. */
export function schedulerServer(deps: SchedulerServerDeps): FastifyInstance {
  const app = Fastify({ logger: false });
  app.get('/healthz', async (_req, reply) => reply.type('text/plain').send('ok'));
  app.get('/leader', async () => ({ leader: deps.isLeader() }));
  app.get('/queue', async () => deps.pending());
  app.get('/explanations', async () =>
    deps.explanations().map((e) => ({ pod: e.pod, node: e.selected, time: e.time, profile: e.profile, message: e.message || undefined })),
  );
  app.get<{ Params: { namespace: string; name: string } }>('/explanations/:namespace/:name', async (req, reply) => {
    const e = deps.explanation(`${req.params.namespace}/${req.params.name}`);
    if (!e) return reply.code(404).send({ message: `no scheduling attempt recorded for pod ${req.params.namespace}/${req.params.name}` });
    return explanationToJSON(e);
  });
  return app;
}

/**
 * Builds the endpoint and listens on `address:port` (port 0 picks a free one).
 * Returns its URL, e.g. "http://127.0.0.1:10259", and how to close it.
 */
export async function startSchedulerServer(deps: SchedulerServerDeps, port: number, address = '127.0.0.1'): Promise<{ url: string; close(): Promise<void> }> {
  const app = schedulerServer(deps);
  await app.listen({ host: address, port });
  const bound = (app.server.address() as { port: number }).port;
  return { url: `http://${address}:${bound}`, close: () => app.close() };
}
