import type { PhaseStatus } from '../../domain/status.js';
import { counts, table } from './markdown.js';
import { MAX_LISTED_RESOURCES } from './plan-details.js';

/**
 * A phase child's Current Details: each resource's live step and the copy slots (pure, from the
 * `phaseStatus` query's answer). The plan's own details show the plan-level picture.
 */
export function renderPhaseDetails(status: PhaseStatus): string {
  const rank = (state: string) => (state === 'failed' ? 0 : state === 'succeeded' ? 3 : 1);
  const rows = [...status.resources]
    .sort((a, b) => rank(a.state) - rank(b.state))
    .slice(0, MAX_LISTED_RESOURCES)
    .map((r) => [
      `\`${r.key}\``,
      r.state,
      r.step,
      r.lastError ? `${r.lastError.type}: ${r.lastError.message}` : null,
    ]);
  const lines = [
    `### Phase \`${status.phase}\`: ${status.resources.length} resources`,
    '',
    counts(status.resources.map((r) => r.state)) || 'no resources',
    '',
    ...table(['resource', 'state', 'step (AWS work it waits on)', 'last error'], rows),
  ];
  if (status.resources.length > MAX_LISTED_RESOURCES)
    lines.push('', `… and ${status.resources.length - MAX_LISTED_RESOURCES} more (query \`phaseStatus\`).`);
  const slots = Object.entries(status.copySlots);
  if (slots.length) {
    lines.push(
      '',
      '#### Copy slots (AWS copy quotas)',
      '',
      ...table(
        ['quota', 'in use', 'limit', 'waiting'],
        slots.map(([name, s]) => [name, s.inUse, s.limit, s.waiting]),
      ),
    );
  }
  return lines.join('\n');
}
