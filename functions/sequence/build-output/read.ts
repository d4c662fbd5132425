/**
 * The email build's output (`emails/dist/`) is read when it is first used, never at import:
 * a fresh clone has none until `npm start` or `npm test` has built it, and both import these
 * modules before they build. esbuild still inlines each file, because every `require` names it.
 */
export class BuildOutputMissingError extends Error {
  override name = 'BuildOutputMissingError';
}

export function readBuildOutput(file: string, load: () => unknown): unknown {
  try {
    return load();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') {
      throw new BuildOutputMissingError(`emails/dist/${file} is missing: run \`npm run emails:build\` first.`);
    }
    throw error;
  }
}
