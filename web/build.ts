import { copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { build as esbuild } from 'esbuild';
import { clinicConfig } from '../config/clinic';
import { renderLandingPage } from '../functions/pages/landing';
import { renderThankYouPage } from '../functions/pages/thank-you';
import { renderConsolePage } from './console/page';
import { type ConsoleConfig, LOCAL_CONSOLE_CONFIG, parseConsoleConfig } from './console/src/config';

const WEB_DIR = __dirname;
const ASSETS_DIR = join(WEB_DIR, 'assets');
export const DEFAULT_OUT_DIR = join(WEB_DIR, 'dist');
const CONSOLE_SRC = join(WEB_DIR, 'console');
const BASE_CSS = join(WEB_DIR, 'styles', 'base.css');

/** A page's stylesheet with the shared base in front of it: one file, one request. */
async function withBase(stylesheet: string): Promise<string> {
  const [base, own] = await Promise.all([readFile(BASE_CSS, 'utf8'), readFile(stylesheet, 'utf8')]);
  return `${base}\n${own}`;
}
/** The console's folder inside the site: served at `/console/`. */
export const CONSOLE_PATH = 'console';
export const CONSOLE_CONFIG_FILE = 'console-config.json';

export interface BuildSiteOptions {
  outDir?: string;
  /** The deployed site posts straight to the API's URL; locally the gateway serves `/leads`. */
  formAction?: string;
  assetBase?: string;
  /** Settings for the marketing console; see buildConsole. */
  console?: BuildConsoleOptions;
}

export interface BuildConsoleOptions {
  /**
   * Written to `console/console-config.json`: the local login by default. `false` writes none,
   * for a deploy that supplies its own (Cognito) file next to the console.
   */
  config?: ConsoleConfig | false;
}

/**
 * The marketing console: one TypeScript bundle (esbuild, ES2020, minified, with a source map),
 * its stylesheet and the HTML shell, in `<outDir>/console/`. Returns that folder.
 */
export async function buildConsole(outDir: string, options: BuildConsoleOptions = {}): Promise<string> {
  const dir = join(resolve(outDir), CONSOLE_PATH);
  const config = options.config === undefined ? LOCAL_CONSOLE_CONFIG : options.config;
  // Fails the build, not the browser, on a config the console would refuse.
  if (config !== false) parseConsoleConfig(config);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await esbuild({
    entryPoints: [join(CONSOLE_SRC, 'src', 'main.ts')],
    outfile: join(dir, 'app.js'),
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    minify: true,
    sourcemap: true,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const base = `/${CONSOLE_PATH}/`;
  await Promise.all([
    writeFile(join(dir, 'index.html'), renderConsolePage({ base })),
    withBase(join(CONSOLE_SRC, 'styles.css')).then((css) => writeFile(join(dir, 'console.css'), css)),
    copyFile(join(ASSETS_DIR, 'favicon.svg'), join(dir, 'favicon.svg')),
    config === false ? undefined : writeFile(join(dir, CONSOLE_CONFIG_FILE), `${JSON.stringify(config, null, 2)}\n`),
  ]);
  return dir;
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
    ...assets.map((name) =>
      name === 'styles.css'
        ? withBase(join(ASSETS_DIR, name)).then((css) => writeFile(join(outDir, 'assets', name), css))
        : copyFile(join(ASSETS_DIR, name), join(outDir, 'assets', name)),
    ),
    buildConsole(outDir, options.console),
  ]);
  return outDir;
}

if (require.main === module) {
  buildSite()
    .then((outDir) => console.log(`Landing page and marketing console (/${CONSOLE_PATH}/) built in ${outDir}`))
    .catch((error: unknown) => {
      console.error('Landing page build failed:', error);
      process.exitCode = 1;
    });
}
