import type { Figure } from './report';
import type { Services } from './services';

export interface GroupContext {
  /** DynamoDB Local and the local SES, started on first use and shared by the groups of one run. */
  services(): Promise<Services>;
}

export interface BenchGroup {
  run(context: GroupContext): Promise<Figure[]>;
}

export interface GroupEntry {
  description: string;
  /** Loaded only when selected, after the bench environment is set. */
  load(): Promise<BenchGroup>;
}
