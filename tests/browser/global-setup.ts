import { createServer, type ViteDevServer } from 'vite';
import type { TestProject } from 'vitest/node';
import { makeFixtures } from '../support/fixtures.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    fixtures: Awaited<ReturnType<typeof makeFixtures>>;
  }
}

let server: ViteDevServer | undefined;

/** Generates the fake-microphone WAVs and starts the project's own Vite dev server (COOP/COEP on). */
export async function setup(project: TestProject): Promise<void> {
  const fixtures = await makeFixtures();
  server = await createServer({ configFile: 'vite.config.ts', server: { port: 0, strictPort: false }, logLevel: 'warn' });
  await server.listen();
  const address = server.httpServer?.address();
  if (!address || typeof address === 'string') throw new Error('Vite dev server has no TCP address');
  project.provide('baseUrl', `http://127.0.0.1:${address.port}`);
  project.provide('fixtures', fixtures);
}

export async function teardown(): Promise<void> {
  await server?.close();
}
