import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The Temporal worker's native module cannot run in worker threads.
    pool: 'forks',
    reporters: ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          sequence: { groupOrder: 0 },
          // Some unit files start the API in process (real HTTP on loopback): on a fresh clone of this
          // 2-core machine the first requests, still compiling, took over vitest's default 5 s.
          testTimeout: 30_000,
          include: ['src/**/*.test.ts', 'scripts/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ['**/*.int.test.ts', '**/node_modules/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          sequence: { groupOrder: 1 },
          include: [
            'src/**/*.int.test.ts',
            'scripts/**/*.int.test.ts',
            'test/**/*.int.test.ts',
            'emulator/**/*.int.test.ts',
          ],
          exclude: ['**/node_modules/**'],
          // One Temporal dev server and one emulator for the whole run, on free loopback ports.
          globalSetup: ['test/global-setup.ts'],
          setupFiles: ['test/setup-env.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          // 2 cores: a server, the emulator and two test files with their workers is the useful maximum.
          maxWorkers: 2,
        },
      },
    ],
  },
});
