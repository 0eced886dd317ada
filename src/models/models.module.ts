import { Module } from '@nestjs/common';
import { KeysModule } from '../keys/keys.module.js';
import { LlmModule } from '../llm/llm.module.js';
import { ModelsController } from './models.controller.js';

/** `GET /server/models`: the catalogue as the chat page and clients see it. */
@Module({ imports: [LlmModule, KeysModule], controllers: [ModelsController] })
export class ModelsModule {}
