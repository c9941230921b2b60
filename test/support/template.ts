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

type Conditional<T> = { 'Fn::If': [string, T, unknown] };

/** An AWS::IAM::ManagedPolicy of the template (attached to the access role). */
export interface ManagedPolicyResource {
  Type: 'AWS::IAM::ManagedPolicy';
  Condition?: string;
  Properties: {
    ManagedPolicyName: unknown;
    PolicyDocument: { Version: string; Statement: Array<Statement | Conditional<Statement>> };
    [key: string]: unknown;
  };
}

export interface AccessTemplate {
  Resources: Record<string, { Type: string; [key: string]: unknown }>;
  [key: string]: unknown;
}

/** The template's managed policies: [logical id, resource], in the template's order. */
export function managedPolicies(template = loadTemplate()): Array<[string, ManagedPolicyResource]> {
  return Object.entries(template.Resources)
    .filter(([, r]) => r.Type === 'AWS::IAM::ManagedPolicy')
    .map(([id, r]) => [id, r as unknown as ManagedPolicyResource]);
}

const isConditional = <T>(value: T | Conditional<T>): value is Conditional<T> =>
  typeof value === 'object' && value !== null && 'Fn::If' in value;
const unwrap = <T>(value: T | Conditional<T>): T => (isConditional(value) ? value['Fn::If'][1] : value);

export function loadTemplate(): AccessTemplate {
  const file = path.join(REPO_ROOT, 'src/activities/access-stack/template.json');
  return JSON.parse(readFileSync(file, 'utf8')) as AccessTemplate;
}

/** Every statement of the template (conditional ones included), with the policy (logical id) it is in. */
export function templateStatements(
  template = loadTemplate(),
): Array<{ policy: string; statement: Statement }> {
  return managedPolicies(template).flatMap(([id, p]) =>
    p.Properties.PolicyDocument.Statement.map((s) => ({ policy: id, statement: unwrap(s) })),
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

/** The template without the statement `sid` (and without its managed policy, if that was its last statement). */
export function withoutStatement(sid: string, template = loadTemplate()): AccessTemplate {
  const copy = structuredClone(template);
  for (const [id, policy] of managedPolicies(copy)) {
    const document = policy.Properties.PolicyDocument;
    const statements = document.Statement.filter((s) => unwrap(s).Sid !== sid);
    if (statements.length === document.Statement.length) continue;
    if (statements.length === 0) delete copy.Resources[id];
    else document.Statement = statements;
  }
  return copy;
}
