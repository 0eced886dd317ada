import { defineConfig } from 'vitest/config';

/**
 * `npm test` runs every project. Unit specs sit beside their class; e2e
 * specs in `test/` start the built app (`dist/`, built by `pretest`) as a
 * real process on a free loopback port.
 */
export default defineConfig({
  resolve: { tsconfigPaths: true },
  test: {
    globals: true,
    root: './',
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['src/**/*.spec.ts'],
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/**/*.e2e-spec.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // Each file starts its own servers; two cores run two files at once.
          maxWorkers: 2,
          // Unit specs first: a broken unit fails fast, before the slow e2e.
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
