/**
 * Which routed requests need a token, as in the course's gateway: sign-up, login and the catalog
 * are public; user details, the user list and everything of order-service need a bearer token.
 * Where the path names a user (`/user-service/users/{userId}`, `/order-service/{userId}/orders`),
 * the token must be that user's (its subject), so no one reads or orders for someone else.
 * Listing every user needs the `admin` role in the token's `roles` claim. Each service's
 * `/health` and `/metrics` stay public.
 */
export type AuthRequirement = { kind: 'public' } | { kind: 'token'; subject?: string; role?: 'admin' };

const PUBLIC: AuthRequirement = { kind: 'public' };
const TOKEN: AuthRequirement = { kind: 'token' };

/** `path` is the path below the service prefix, without the query (`/users/abc`). */
export function authRequirement(service: string, method: string, path: string): AuthRequirement {
  const segments = path
    .split('/')
    .filter((s) => s !== '')
    .map(safeDecode);
  if (segments.length === 1 && (segments[0] === 'health' || segments[0] === 'metrics')) return PUBLIC;
  switch (service) {
    case 'catalog-service':
      return PUBLIC;
    case 'user-service': {
      if (
        method === 'POST' &&
        segments.length === 1 &&
        (segments[0] === 'users' || segments[0] === 'login')
      ) {
        return PUBLIC;
      }
      if (segments[0] === 'users' && segments.length >= 2)
        return { kind: 'token', subject: segments[1] as string };
      if (segments[0] === 'users' && segments.length === 1) return { kind: 'token', role: 'admin' };
      return TOKEN;
    }
    case 'order-service':
      if (segments.length >= 2 && segments[1] === 'orders')
        return { kind: 'token', subject: segments[0] as string };
      return TOKEN;
    default:
      return TOKEN;
  }
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
