import { resolve } from 'node:path';
import type { NextConfig } from 'next';

const config: NextConfig = {
  // The workspace root, so Next does not guess it from the lockfiles it finds.
  turbopack: { root: resolve(import.meta.dirname, '../..') },
  outputFileTracingRoot: resolve(import.meta.dirname, '../..'),
  // `pnpm typecheck` checks this app (tsconfig.json here) with the rest of the repository; the build
  // does not check it a second time on this two-core machine.
  typescript: { ignoreBuildErrors: true },
  poweredByHeader: false,
  reactStrictMode: true,
};

export default config;
