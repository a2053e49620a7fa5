import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { type Browser, chromium, type LaunchOptions } from 'playwright';

/**
 * Finds a Chromium to test with: `$CHROMIUM_PATH`, then `chromium` (or `chromium-browser`) on the
 * PATH, then Playwright's own download. Never skips: with none, it fails saying how to get one.
 */
export function findChromium(): string {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`CHROMIUM_PATH is set to ${fromEnv}, which does not exist.`);
    return fromEnv;
  }
  for (const name of ['chromium', 'chromium-browser']) {
    try {
      const path = execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
      if (path) return path;
    } catch {
      // not on the PATH
    }
  }
  const bundled = chromium.executablePath();
  if (bundled && existsSync(bundled)) return bundled;
  throw new Error(
    'No Chromium found for the browser tests. Install one (Debian/Ubuntu: `sudo apt-get install -y chromium`), ' +
      'or run `npx playwright install chromium`, or set CHROMIUM_PATH to a Chromium/Chrome executable.',
  );
}

/** Flags every test browser gets: no sandbox (root in CI), fake media UI, no background traffic. */
export const BASE_FLAGS = [
  '--no-sandbox',
  '--autoplay-policy=no-user-gesture-required',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--disable-gpu',
];

export interface TestBrowserOptions {
  /** WAV the fake microphone plays (looping, unless `noLoop`). Absent: no fake device at all. */
  microphoneWav?: string;
  noLoop?: boolean;
  /** Deny microphone permission instead of granting it. */
  denyMicrophone?: boolean;
  extra?: LaunchOptions;
}

/** Launches headless Chromium with a fake microphone playing `microphoneWav`. */
export async function launchTestBrowser(options: TestBrowserOptions = {}): Promise<Browser> {
  const args = [...BASE_FLAGS];
  if (options.microphoneWav) {
    args.push(
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-audio-capture=${options.microphoneWav}${options.noLoop ? '%noloop' : ''}`,
    );
  }
  if (!options.denyMicrophone) args.push('--use-fake-ui-for-media-stream');
  return chromium.launch({ executablePath: findChromium(), headless: true, args, ...options.extra });
}
