/**
 * The fates live with the providers (`llm/providers/parameter-fate.ts`);
 * this re-export serves the two importers in other lanes (the mock's
 * definition and generation-options.ts) and goes when they import from there.
 */
export {
  GATEWAY_FATES,
  OPENAI_ONLY_PARAMETERS,
} from '../llm/providers/parameter-fate.js';
