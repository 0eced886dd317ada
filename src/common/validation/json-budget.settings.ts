import type { Env } from '../../config/settings.js';
import { MAX_JSON_DEPTH, type JsonBudget } from './json-shape.js';

/** The JSON budget (`JsonBudget`) of request bodies and queries, for the pipes that validate them. */
export const JSON_BUDGET = Symbol('JSON_BUDGET');

export const jsonBudget = (env: Env): JsonBudget => ({
  maxDepth: MAX_JSON_DEPTH,
  maxNodes: env.JSON_MAX_NODES,
  maxKeys: env.JSON_MAX_KEYS,
  maxItems: env.JSON_MAX_ARRAY_ITEMS,
});
