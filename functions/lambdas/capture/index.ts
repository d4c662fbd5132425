import { captureEnvSchema, parseEnv } from '../../config/env';
import { makeCaptureHandler } from './handler';
import { captureDeps } from './wiring';

// Parsed once per container: a missing setting fails the cold start with its name.
const env = parseEnv(captureEnvSchema, process.env);

export const handler = makeCaptureHandler(captureDeps(env));
