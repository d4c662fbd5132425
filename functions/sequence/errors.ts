import { DomainError } from '../shared/errors';
import type { ContentProblem } from './draft';

/** Publishing was refused: every reason, for the console to list. */
export class NotPublishableError extends DomainError {
  override name = 'NotPublishableError';
  constructor(readonly problems: ContentProblem[]) {
    super('This draft cannot be published yet');
  }
}

/** A draft item must stay well under DynamoDB's 400 KB item limit, compressed. */
export class DraftTooLargeError extends DomainError {
  override name = 'DraftTooLargeError';
  constructor() {
    super('The draft is too large to store; shorten the emails');
  }
}
