/**
 * FAILBACK_API_TOKENS: a JSON array of `{"token","name","roles":[...]}` (DESIGN.md §2). The token's
 * name is the identity the plan's audit log records, so names must be unique; tokens must be long
 * enough not to be guessed. Every mistake is reported at start, with the entry it is in.
 */
export const API_ROLES = ['viewer', 'operator', 'approver'] as const;
export type ApiRole = (typeof API_ROLES)[number];

export interface ApiToken {
  token: string;
  name: string;
  roles: ApiRole[];
}

export const MIN_TOKEN_LENGTH = 16;
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.@:-]{0,127}$/;

export class ApiTokensError extends Error {
  override name = 'ApiTokensError';
}

function describeEntry(i: number, name: unknown): string {
  return typeof name === 'string' && name ? `entry ${i} (${name})` : `entry ${i}`;
}

/** Parses and checks the variable's value; throws ApiTokensError listing every problem. */
export function parseApiTokens(raw: string): ApiToken[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    throw new ApiTokensError(
      `FAILBACK_API_TOKENS is not valid JSON (${(error as Error).message}); expected [{"token":"…","name":"…","roles":["viewer"]}]`,
    );
  }
  if (!Array.isArray(parsed) || parsed.length === 0) {
    throw new ApiTokensError('FAILBACK_API_TOKENS must be a non-empty JSON array of {token, name, roles}');
  }
  const problems: string[] = [];
  const tokens: ApiToken[] = [];
  const names = new Set<string>();
  const secrets = new Set<string>();
  parsed.forEach((entry: unknown, i) => {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      problems.push(`entry ${i} is not an object`);
      return;
    }
    const { token, name, roles, ...rest } = entry as Record<string, unknown>;
    const where = describeEntry(i, name);
    const before = problems.length;
    for (const key of Object.keys(rest)) problems.push(`${where}: unknown field '${key}'`);
    if (typeof name !== 'string' || !NAME_PATTERN.test(name)) {
      problems.push(`${where}: name must be 1-128 letters, digits or _.@:- (it is the audited identity)`);
    } else if (names.has(name)) problems.push(`${where}: name '${name}' is used twice`);
    else names.add(name);
    if (typeof token !== 'string' || token.length < MIN_TOKEN_LENGTH || /\s/.test(token)) {
      problems.push(`${where}: token must be at least ${MIN_TOKEN_LENGTH} characters without spaces`);
    } else if (secrets.has(token)) problems.push(`${where}: the same token is given twice`);
    else secrets.add(token);
    const roleList = Array.isArray(roles) ? roles : [];
    if (roleList.length === 0)
      problems.push(`${where}: roles must list at least one of ${API_ROLES.join(', ')}`);
    for (const role of roleList) {
      if (!API_ROLES.includes(role as ApiRole))
        problems.push(`${where}: unknown role '${String(role)}' (roles: ${API_ROLES.join(', ')})`);
    }
    if (problems.length === before) {
      tokens.push({
        token: token as string,
        name: name as string,
        roles: [...new Set(roleList as ApiRole[])],
      });
    }
  });
  if (problems.length) throw new ApiTokensError(`FAILBACK_API_TOKENS: ${problems.join('; ')}`);
  return tokens;
}
