import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import chromium from '@sparticuz/chromium';
import puppeteer, { type Browser } from 'puppeteer-core';

/**
 * Headless Chromium for page tests. The browser is the one `@sparticuz/chromium` ships inside its npm tarball
 * (brotli-compressed, unpacked to the temp dir on first use), so `npm ci` is all a machine needs: no download from a
 * browser site, no apt. Its only system libraries are NSS and expat. puppeteer-core drives it.
 *
 * Flags: this machine has no network but loopback, so everything that phones home is off (background networking,
 * component updates, sync, QUIC); a fresh, empty profile per launch.
 */
export async function launchHeadlessChromium(): Promise<{ browser: Browser; close(): Promise<void> }> {
  const executablePath = await chromium.executablePath();
  const profile = mkdtempSync(path.join(os.tmpdir(), 'waymark-chromium-'));
  let browser: Browser;
  try {
    browser = await puppeteer.launch({
      executablePath,
      headless: 'shell',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-zygote',
        `--user-data-dir=${profile}`,
      ],
    });
  } catch (err) {
    rmSync(profile, { recursive: true, force: true });
    throw new Error(
      `headless Chromium (${executablePath}) did not start: ${(err as Error).message}\n` +
        'It needs the NSS and expat libraries: apt-get install libnss3 libexpat1',
    );
  }
  return {
    browser,
    close: async () => {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
