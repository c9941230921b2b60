import { preflightPlan } from './preflight.js';

export const preflightActivities = { preflightPlan };
