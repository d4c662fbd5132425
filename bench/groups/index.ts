import type { GroupEntry } from '../group';

/**
 * Every group `npm run bench` knows, in the order they run. To add one (issue 6's `load` and
 * `proof`), write bench/groups/<name>.ts exporting a BenchGroup and list it here.
 */
export const GROUPS: Record<string, GroupEntry> = {
  capture: {
    description: 'POST /leads handler vs. its bare DynamoDB writes; capture bundle size and load time',
    load: async () => (await import('./capture')).captureGroup,
  },
  admin: {
    description: 'console API bundle serving leads and results (no mjml): size and cold load vs. a bare handler',
    load: async () => (await import('./admin')).adminGroup,
  },
  render: {
    description: 'send-time rendering from the compiled bundle vs. compiling MJML; sender bundle size',
    load: async () => (await import('./render')).renderGroup,
  },
  dispatch: {
    description: 'dispatcher time for 1,000 due steps with and without 100,000 not-due enrolments',
    load: async () => (await import('./dispatch')).dispatchGroup,
  },
  load: {
    description:
      'POST /leads through the local gateway at a fixed rate for 60 s (autocannon): errors, latency, lost leads',
    load: async () => (await import('./load')).loadGroup,
  },
  send: {
    description:
      "sender pacing against the local SES account's MaxSendRate over 30 s; sender cost per step with a branched sequence vs. a linear one",
    load: async () => (await import('./send')).sendGroup,
  },
  proof: {
    description: 'issue 6 figures: fuzzed public endpoints, rate limit, SES throttling, log privacy, npm audit',
    load: async () => (await import('./proof')).proofGroup,
  },
};
