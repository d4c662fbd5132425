import { inboundEnvSchema, parseEnv } from '../../config/env';
import { makeInboundHandler } from './handler';
import { inboundDeps } from './wiring';

export const handler = makeInboundHandler(inboundDeps(parseEnv(inboundEnvSchema, process.env)));
