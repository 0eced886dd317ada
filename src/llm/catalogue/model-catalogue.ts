import { AppError } from '../../common/errors/app-error.js';
import type { LlmProviderName } from '../providers/provider-names.js';
import type { CatalogueData, Deployment } from './deployment.js';

/** What clients may know of a model: no URLs, no credentials. */
export interface ServedModel {
  id: string;
  /** Providers of its deployments, e.g. `ernie`. */
  providers: LlmProviderName[];
  deployments: number;
  fallbacks: string[];
  default: boolean;
}

/**
 * The models the gateway serves, and its injection token. Answers which
 * model a request means and which deployments may serve it, in fallback
 * order: the model's own, then those of each of its `fallbacks`.
 */
export class ModelCatalogue {
  // Maps, not objects: a model may be named `constructor` or `__proto__`.
  private readonly byModel = new Map<string, Deployment[]>();
  private readonly fallbacks: ReadonlyMap<string, readonly string[]>;

  constructor(readonly data: CatalogueData) {
    this.fallbacks = new Map(Object.entries(data.fallbacks));
    for (const deployment of data.deployments) {
      const list = this.byModel.get(deployment.model) ?? [];
      list.push(deployment);
      this.byModel.set(deployment.model, list);
    }
  }

  get defaultModel(): string {
    return this.data.defaultModel;
  }

  get deployments(): readonly Deployment[] {
    return this.data.deployments;
  }

  get models(): string[] {
    return [...this.byModel.keys()];
  }

  has(model: string): boolean {
    return this.byModel.has(model);
  }

  /**
   * The model a request asked for, or the default; an unknown name is a 404
   * naming the field. `anyNameMeansDefault`: without MODELS_FILE, the `/v1`
   * API answers any name with the one model, so that OpenAI clients
   * configured with another name keep working.
   */
  resolve(
    requested: string | undefined,
    { anyNameMeansDefault = false } = {},
  ): string {
    if (requested === undefined) return this.data.defaultModel;
    if (this.byModel.has(requested)) return requested;
    if (anyNameMeansDefault && !this.data.fromFile) {
      return this.data.defaultModel;
    }
    throw unknownModel(requested, { field: 'model' });
  }

  /** The model's deployments (unknown: none). */
  deploymentsOf(model: string): readonly Deployment[] {
    return this.byModel.get(model) ?? [];
  }

  /** The model, then its fallbacks, in order. */
  chainOf(model: string): string[] {
    return [model, ...(this.fallbacks.get(model) ?? [])];
  }

  /** Every provider that may serve a request for `model`, fallbacks included. */
  providersFor(model: string): LlmProviderName[] {
    const providers = this.chainOf(model).flatMap((name) =>
      this.deploymentsOf(name).map((d) => d.provider),
    );
    return [...new Set(providers)];
  }

  list(): ServedModel[] {
    return this.models.map((id) => {
      const deployments = this.deploymentsOf(id);
      return {
        id,
        providers: [...new Set(deployments.map((d) => d.provider))],
        deployments: deployments.length,
        fallbacks: [...(this.fallbacks.get(id) ?? [])],
        default: id === this.data.defaultModel,
      };
    });
  }
}

/**
 * The one answer for a model that is not served, on every route, in
 * OpenAI's words and code. `field`: the request field that named it (a
 * validation error for that field, which `/v1` reports as `param`); absent
 * for a model named by the path (`GET /v1/models/:model`).
 */
export function unknownModel(
  model: string,
  { field }: { field?: string } = {},
): AppError {
  const message = `The model '${model.slice(0, 100)}' does not exist or you do not have access to it.`;
  return new AppError(
    'model_not_found',
    message,
    404,
    field ? { errors: [{ field, rule: 'isServedModel', message }] } : undefined,
  );
}
