import type { Browser, Page } from 'playwright';
import { createServer, type ViteDevServer } from 'vite';
import { launchTestBrowser, type TestBrowserOptions } from '../tests/support/chromium.ts';

/** The project's Vite server and a headless Chromium, for benchmarks that run in a page. */
export class PageServer {
  private constructor(
    readonly server: ViteDevServer,
    readonly browser: Browser,
    readonly baseUrl: string,
  ) {}

  static async start(browser: TestBrowserOptions = {}): Promise<PageServer> {
    const server = await createServer({ configFile: 'vite.config.ts', server: { port: 0 }, logLevel: 'error' });
    await server.listen();
    const address = server.httpServer?.address();
    if (!address || typeof address === 'string') throw new Error('Vite dev server has no TCP address');
    return new PageServer(server, await launchTestBrowser(browser), `http://127.0.0.1:${address.port}`);
  }

  async open(path: string): Promise<Page> {
    const page = await this.browser.newPage();
    page.on('pageerror', (e) => console.error('page error:', e));
    await page.goto(`${this.baseUrl}${path}`);
    return page;
  }

  async close(): Promise<void> {
    await this.browser.close();
    await this.server.close();
  }
}
