import { Module } from '@nestjs/common';
import { ModelsController } from './models.controller.js';

/** `GET /server/models`: the catalogue as the chat page and clients see it. */
@Module({ controllers: [ModelsController] })
export class ModelsModule {}
