import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = Symbol('isPublic');

/** The route needs no API key even when API_KEYS is set (health, metrics). */
export const Public = () => SetMetadata(IS_PUBLIC, true);
