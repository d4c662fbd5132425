import { recordingScope, withCallRecorder } from '../aws-call-recorder';

/**
 * The one place AWS clients are built (one file per service, so a function's bundle loads only
 * the SDK packages it uses): one client of each kind per container, or per endpoint when the
 * local stack or a test points several at DynamoDB Local and the local SES. Every adapter a
 * container wires shares it, so connections and credentials are set up once.
 */
const clients = new Map<string, unknown>();

export function oncePerContainer<T>(service: string, endpoint: string | undefined, build: () => T, variant = ''): T {
  // While the tests record AWS calls, each function's wiring gets clients of its own, so a call
  // is put down to the function that made it even where several functions share one process.
  const key = `${service} ${endpoint ?? ''} ${variant} ${recordingScope()}`;
  if (!clients.has(key)) clients.set(key, withCallRecorder(build(), service));
  return clients.get(key) as T;
}

export const endpointOption = (endpoint: string | undefined) => (endpoint ? { endpoint } : {});
