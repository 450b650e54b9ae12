// Apart from schema.ts, so what shows a plan (the chat's plan card) does not build the plan's schema.
export const DEFAULT_MAX_PARALLEL = 5;
export const DEFAULT_MAX_STEPS = 200;
