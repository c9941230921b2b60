import { deleteAccessStack, ensureAccessStack } from './stack.js';

/** Activities of the access stack (the plan's role in primary). */
export const accessStackActivities = { ensureAccessStack, deleteAccessStack };
