// Test runner settings
// ====================
// CONCEPT   Integration tests start real etcd and apiserver processes, so they get generous
//           timeouts and run two files at a time on these 2-core machines.
// REAL K8S  hack/make-rules/test-integration.sh plays this role for Kubernetes' own tests.
// SHIPS     The practice schedule: how many harbours may be built for lessons at once.
// SKIPPED   Coverage thresholds.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
  },
});
