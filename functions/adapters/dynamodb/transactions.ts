import { createHash } from 'node:crypto';

export function cancellationCodes(error: unknown): string[] | undefined {
  if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') return undefined;
  const reasons = (error as Error & { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  return reasons.map((reason) => reason.Code ?? 'None');
}

export function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/** Sends one conditional write: true when it was written, false when its condition did not hold. */
export async function conditionalWrite(send: () => Promise<unknown>): Promise<boolean> {
  try {
    await send();
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/** TransactWriteItems idempotency tokens are at most 36 characters. */
export function transactionToken(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('base64url').slice(0, 36);
}

/**
 * Runs a transaction, retrying when it collided with another one on the same items (20 people
 * pressing submit at once is exactly that). Other failures go to the caller.
 */
export async function withConflictRetry<T>(attempt: () => Promise<T>, maxAttempts = 6): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      const codes = cancellationCodes(error);
      const conflicted =
        (codes?.includes('TransactionConflict') ?? false) ||
        (error instanceof Error && error.name === 'TransactionConflictException');
      if (!conflicted || tries >= maxAttempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10 * 2 ** tries * Math.random()));
    }
  }
}
