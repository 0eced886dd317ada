import type { Request, Response } from 'express';
import { allowedHostsMiddleware } from './allowed-hosts.js';

function answer(
  middleware: ReturnType<typeof allowedHostsMiddleware>,
  host?: string,
  path = '/server/send',
) {
  let status: number | undefined;
  let passed = false;
  const response = {
    status: (code: number) => {
      status = code;
      return { json: () => undefined };
    },
  } as unknown as Response;
  middleware(
    { headers: { host }, path } as Request,
    response,
    () => (passed = true),
  );
  return passed ? 'pass' : status;
}

describe('allowedHostsMiddleware', () => {
  const local = allowedHostsMiddleware('', '127.0.0.1');

  it.each([
    'localhost',
    'LOCALHOST:8000',
    'localhost.',
    'app.localhost:3000',
    '127.0.0.1:8000',
    '10.0.0.7',
    '[::1]:8000',
    '[fe80::1]',
  ])('lets %s through by default', (host) => {
    expect(answer(local, host)).toBe('pass');
  });

  it.each([
    'evil.example',
    'localhost.evil.example',
    'evil.example:8000',
    '',
    undefined,
  ])('refuses %s by default with 421', (host) => {
    expect(answer(local, host)).toBe(421);
  });

  it('adds ALLOWED_HOSTS names, sub-domain patterns and the bound name', () => {
    const configured = allowedHostsMiddleware(
      'chat.example.com, *.corp.example',
      'gateway.internal',
    );
    expect(answer(configured, 'chat.example.com')).toBe('pass');
    expect(answer(configured, 'a.corp.example:443')).toBe('pass');
    expect(answer(configured, 'gateway.internal:8000')).toBe('pass');
    expect(answer(configured, 'corp.example.evil')).toBe(421);
    expect(answer(allowedHostsMiddleware('*', '0.0.0.0'), 'any.name')).toBe(
      'pass',
    );
  });

  it('answers health checks and metrics under any name (probes call service names)', () => {
    expect(answer(local, 'gateway', '/health/ready')).toBe('pass');
    expect(answer(local, 'gateway:8000', '/metrics')).toBe('pass');
    expect(answer(local, 'gateway', '/metrics/x')).toBe(421);
    expect(answer(local, 'gateway', '/healthz')).toBe(421);
  });
});
