/**
 * Placeholder AWS settings and silent logging. Applied before any handler code is imported:
 * the SDK reads the region and credentials, and Powertools its log level, at construction.
 */
export const BENCH_PROCESS_ENV = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
} as const;

export function applyBenchEnv(): void {
  Object.assign(process.env, BENCH_PROCESS_ENV);
}
