import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { API_KEYS } from '../access/access.di-tokens.js';
import type { ApiKeys } from '../access/api-keys.js';
import { principalOf } from '../access/principal.js';
import { modelAllowed } from './api-key-definition.js';

/** Which models the request's key may use: what the model lists show it. */
@Injectable()
export class KeyModels {
  constructor(@Inject(API_KEYS) private readonly keys: ApiKeys) {}

  allows(request: Request, model: string): boolean {
    const principal = principalOf(request);
    if (!principal || !this.keys.enabled) return true;
    return modelAllowed(this.keys.definition(principal.keyId)?.models, model);
  }
}
