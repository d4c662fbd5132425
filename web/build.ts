import { copyFile, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { clinicConfig } from '../config/clinic';
import { renderLandingPage } from './pages/landing';
import { renderThankYouPage } from './pages/thank-you';

const WEB_DIR = __dirname;
const ASSETS_DIR = join(WEB_DIR, 'assets');
export const DEFAULT_OUT_DIR = join(WEB_DIR, 'dist');

export interface BuildSiteOptions {
  outDir?: string;
  /** The deployed site posts straight to the API's URL; locally the gateway serves `/leads`. */
  formAction?: string;
  assetBase?: string;
}

/** Writes the static site and returns the absolute folder it wrote. */
export async function buildSite(options: BuildSiteOptions = {}): Promise<string> {
  const outDir = resolve(options.outDir ?? DEFAULT_OUT_DIR);
  const { practice } = clinicConfig;
  // Only what this build owns is removed, so a mistaken outDir cannot wipe unrelated files.
  await Promise.all(
    ['index.html', 'thank-you', 'assets'].map((entry) => rm(join(outDir, entry), { recursive: true, force: true })),
  );
  await mkdir(join(outDir, 'thank-you'), { recursive: true });
  await mkdir(join(outDir, 'assets'), { recursive: true });

  const assets = await readdir(ASSETS_DIR);
  await Promise.all([
    writeFile(
      join(outDir, 'index.html'),
      renderLandingPage({ practice, formAction: options.formAction, assetBase: options.assetBase }),
    ),
    writeFile(join(outDir, 'thank-you', 'index.html'), renderThankYouPage({ practice, assetBase: options.assetBase })),
    ...assets.map((name) => copyFile(join(ASSETS_DIR, name), join(outDir, 'assets', name))),
  ]);
  return outDir;
}

if (require.main === module) {
  buildSite()
    .then((outDir) => console.log(`Landing page built in ${outDir}`))
    .catch((error: unknown) => {
      console.error('Landing page build failed:', error);
      process.exitCode = 1;
    });
}
