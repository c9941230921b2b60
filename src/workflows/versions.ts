/**
 * Patch ids of changes to what the workflows do (decision 0003). Each workflow asks `patched()` once,
 * at its very start, and passes the answer on: a run started before the change (its history has no
 * marker) keeps the old behaviour to its end; a run started after it has the new one throughout.
 */

/**
 * Issue 14, the workflow layer (decisions 0030–0034): cancelled work is waited for before
 * compensation; Route 53 state recorded before the cutover; DNS drained back before primary is
 * renamed back; failed or terminated children park the plan; the failback gate's rejection aborts;
 * a moved window needs a new approval; an access stack or a schedule pause in flight is undone; the
 * stage shown while compensating; plan conflicts refused.
 */
export const ABORT_SAFETY_PATCH = 'abort-safety';

/**
 * Issue 14, the kind layer (decision 0035): ownership names the plan run. Asked where the plan context
 * is built, after the access stack and before any resource is touched: nothing earlier depends on it,
 * so a plan that reaches that point after the change has the new behaviour for everything it owns.
 */
export const PLAN_RUN_OWNERSHIP_PATCH = 'plan-run-ownership';

/**
 * Issue 16, item 3 (decision 0043): a phase forwards its resources' copy-slot requests to the
 * destination's coordinator, shared by every plan copying into that account and region. Asked at
 * the start of the phase workflow.
 */
export const REGION_COPY_SLOTS_PATCH = 'region-copy-slots';

/**
 * Decision 0042: the plan rules include the access stack's bounds. Asked where the workflow checks
 * its spec, at its start: a plan recorded before keeps the rules it was checked with.
 */
export const ACCESS_LIMITS_PATCH = 'access-limits';

/**
 * Issue 16, item 3 (decision 0043 addendum): a copy takes as many units of its quota as AWS counts
 * (an AMI copy: one EBS snapshot copy per volume). Asked at the start of the phase workflow (units
 * on its requests) and of each coordinator run (units counted).
 */
export const COPY_SLOT_UNITS_PATCH = 'copy-slot-units';

/**
 * Decisions 0045 and 0046: the access stack's grants as this run needs them. A preflight report
 * recorded before the access role's names has its table names derived from its resources, and one
 * without database names stops the plan before its access stack (domain/legacy-grants); the stack
 * gets the plan run, so its role renames back only what this run retired. Asked where the access
 * stack is requested (the plan context, asked for PLAN_RUN_OWNERSHIP_PATCH later, then has the run).
 */
export const ACCESS_GRANTS_PATCH = 'access-grants';
