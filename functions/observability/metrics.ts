import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Counters } from '../drip/send-step';

/** EMF metrics: alarms on failed and interrupted steps read these. */
export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'ClinicLeadNurture',
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'clinic-lead-nurture',
});

export const metricCounters: Counters = {
  add: (name, value = 1) => metrics.addMetric(name, MetricUnit.Count, value),
};

/**
 * For a function that counts something only now and then (the capture function's SendUnknown):
 * each count is flushed at once, so no middleware flushes (and warns about) an empty set on
 * every other request.
 */
export const immediateCounters: Counters = {
  add: (name, value = 1) => {
    metrics.addMetric(name, MetricUnit.Count, value);
    metrics.publishStoredMetrics();
  },
};

/** For the local stack and tests: counts in memory instead of printing EMF. */
export function memoryCounters(): Counters & { totals: Record<string, number> } {
  const totals: Record<string, number> = {};
  return {
    totals,
    add: (name, value = 1) => {
      totals[name] = (totals[name] ?? 0) + value;
    },
  };
}
