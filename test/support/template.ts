import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../../scripts/stack/paths.js';

/** The access stack's template and its statements, for the least-privilege and mutation tests. */
export interface Statement {
  Sid: string;
  Effect: string;
  Action: string | string[];
  Resource?: unknown;
  Condition?: unknown;
}

interface Policy {
  PolicyName: string;
  PolicyDocument: { Version: string; Statement: Array<Statement | Conditional<Statement>> };
}

type Conditional<T> = { 'Fn::If': [string, T, unknown] };

export interface AccessTemplate {
  Resources: { AccessRole: { Properties: { Policies: Array<Policy | Conditional<Policy>> } } } & Record<
    string,
    unknown
  >;
  [key: string]: unknown;
}

const isConditional = <T>(value: T | Conditional<T>): value is Conditional<T> =>
  typeof value === 'object' && value !== null && 'Fn::If' in value;
const unwrap = <T>(value: T | Conditional<T>): T => (isConditional(value) ? value['Fn::If'][1] : value);

export function loadTemplate(): AccessTemplate {
  const file = path.join(REPO_ROOT, 'src/activities/access-stack/template.json');
  return JSON.parse(readFileSync(file, 'utf8')) as AccessTemplate;
}

/** Every statement of the template (conditional ones included), with the policy it belongs to. */
export function templateStatements(
  template = loadTemplate(),
): Array<{ policy: string; statement: Statement }> {
  return template.Resources.AccessRole.Properties.Policies.map(unwrap).flatMap((p) =>
    p.PolicyDocument.Statement.map((s) => ({ policy: p.PolicyName, statement: unwrap(s) })),
  );
}

export function actionsOf(statement: Statement): string[] {
  return [statement.Action].flat();
}

/** Every action the template can grant. */
export function templateActions(template = loadTemplate()): string[] {
  return [...new Set(templateStatements(template).flatMap((s) => actionsOf(s.statement)))].sort();
}

export function grantedActions(policy: { Statement: Array<Record<string, unknown>> }): string[] {
  return [...new Set(policy.Statement.flatMap((s) => [s.Action as string | string[]].flat()))].sort();
}

/** The template without the statement `sid` (and without its policy, if that was its last statement). */
export function withoutStatement(sid: string, template = loadTemplate()): AccessTemplate {
  const copy = structuredClone(template);
  const policies = copy.Resources.AccessRole.Properties.Policies;
  copy.Resources.AccessRole.Properties.Policies = policies.flatMap((entry) => {
    const policy = unwrap(entry);
    const statements = policy.PolicyDocument.Statement.filter((s) => unwrap(s).Sid !== sid);
    if (statements.length === policy.PolicyDocument.Statement.length) return [entry];
    if (statements.length === 0) return [];
    const changed = { ...policy, PolicyDocument: { ...policy.PolicyDocument, Statement: statements } };
    return [isConditional(entry) ? { 'Fn::If': [entry['Fn::If'][0], changed, entry['Fn::If'][2]] } : changed];
  }) as typeof policies;
  return copy;
}
