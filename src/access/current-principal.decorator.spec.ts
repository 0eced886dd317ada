import {
  Controller,
  Get,
  type CanActivate,
  type ExecutionContext,
  type INestApplication,
} from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import type { Request } from 'express';
import { CurrentPrincipal } from './current-principal.decorator.js';
import { ANONYMOUS, setPrincipal, type Principal } from './principal.js';

/** Stands in for the API key guard: `x-key-id` becomes the principal. */
class HeaderPrincipalGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    const keyId = request.headers['x-key-id'];
    if (typeof keyId === 'string') setPrincipal(request, { keyId });
    return true;
  }
}

@Controller()
class WhoController {
  @Get('who')
  who(@CurrentPrincipal() principal: Principal): Principal {
    return principal;
  }
}

describe('@CurrentPrincipal()', () => {
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    const module = await Test.createTestingModule({
      controllers: [WhoController],
      providers: [{ provide: APP_GUARD, useClass: HeaderPrincipalGuard }],
    }).compile();
    app = module.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
  });

  afterAll(() => app.close());

  it('gives the handler the principal the guard set', async () => {
    const response = await fetch(`${base}/who`, {
      headers: { 'x-key-id': 'k_0123456789ab' },
    });
    expect(await response.json()).toEqual({ keyId: 'k_0123456789ab' });
  });

  it('gives the anonymous principal when none was set (open mode)', async () => {
    const response = await fetch(`${base}/who`);
    expect(await response.json()).toEqual(ANONYMOUS);
  });
});
