import raw from '../../emails/dist/capture-bundle.json';
import { type CaptureBundle, captureBundleSchema } from '../render/bundle';

let parsed: CaptureBundle | undefined;

/** The capture function's slice of the email build: transactional emails and sequence versions. */
export function captureBundle(): CaptureBundle {
  parsed ??= captureBundleSchema.parse(raw);
  return parsed;
}
