import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration suites start real worker processes and containers; on 2 cores two files at a time
    // keeps timings sane. Unit files are fast either way.
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 180_000,
    globalSetup: ['test/support/global-setup.ts'],
    reporters: ['default'],
  },
});
