import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'source/**/*.test.{ts,tsx}',
      'strategies/**/*.test.ts',
      'gateways/**/*.test.ts',
      'state/**/*.test.ts',
      'test/**/*.test.ts',
    ],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
