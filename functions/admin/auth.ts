import { ForbiddenError, UnauthorizedError } from '../shared/errors';
import { type ADMIN_ONLY, GROUPS, type Group, type Me } from './contract';

/** What a route needs: one of the console groups, or `admin` alone. */
export type Access = 'staff' | 'admin';

export type AdminOnlyAction = (typeof ADMIN_ONLY)[number];

/** The signed-in user, as the JWT (Cognito's, or the local stack's) describes them. */
export interface AdminUser extends Omit<Me, 'now'> {
  /** Stable subject id, for audit fields ("savedBy"); never logged with the email. */
  subject: string;
}

type ClaimValue = string | number | boolean | string[] | undefined;

/**
 * `cognito:groups` arrives as an array in the token, and API Gateway's JWT authorizer hands
 * it to Lambda flattened into one string ("[admin marketing]"); both are accepted, as is a
 * comma- or space-separated list.
 */
export function groupsFromClaims(claims: Record<string, ClaimValue>): Group[] {
  const raw = claims['cognito:groups'];
  const names = Array.isArray(raw)
    ? raw
    : typeof raw === 'string'
      ? raw
          .replace(/^\[|\]$/g, '')
          .split(/[\s,]+/)
          .map((name) => name.replace(/^"|"$/g, ''))
      : [];
  return GROUPS.filter((group) => names.includes(group));
}

/**
 * Who is calling, from the claims the JWT authorizer verified. Missing claims mean the
 * request did not pass an authorizer (401); a token without a console group gets 403, and
 * so does a marketing user on an admin-only route.
 */
export function authorize(claims: Record<string, ClaimValue> | undefined, access: Access): AdminUser {
  if (!claims || typeof claims.sub !== 'string' || claims.sub === '') throw new UnauthorizedError();
  const groups = groupsFromClaims(claims);
  if (groups.length === 0) throw new ForbiddenError('Your account is not in the marketing or admin group');
  if (access === 'admin' && !groups.includes('admin')) {
    throw new ForbiddenError('Only an admin may do this');
  }
  const username = stringClaim(claims['cognito:username']) ?? stringClaim(claims.username) ?? claims.sub;
  return { subject: claims.sub, username, email: stringClaim(claims.email) ?? '', groups };
}

function stringClaim(value: ClaimValue): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
