import { type CaptureBundle, captureBundleSchema } from '../compiled';
import { readBuildOutput } from './read';

let parsed: CaptureBundle | undefined;

/** The capture function's slice of the email build: transactional emails and sequence versions. */
export function captureBundle(): CaptureBundle {
  parsed ??= captureBundleSchema.parse(
    readBuildOutput('capture-bundle.json', () => require('../../../emails/dist/capture-bundle.json')),
  );
  return parsed;
}
