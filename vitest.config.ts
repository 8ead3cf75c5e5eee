// Test runner settings: integration tests start real etcd and apiserver processes, so they get
// generous timeouts and run a few files at a time on these 2-core machines.
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
