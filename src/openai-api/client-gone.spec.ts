import { EventEmitter } from 'node:events';
import type { Response } from 'express';
import { clientGoneSignal } from './client-gone.js';

const connection = (writableFinished: boolean) =>
  Object.assign(new EventEmitter(), { writableFinished }) as unknown as Pick<
    Response,
    'once' | 'writableFinished'
  > &
    EventEmitter;

describe('clientGoneSignal', () => {
  it('aborts when the connection closes before the answer was written', () => {
    const response = connection(false);
    const signal = clientGoneSignal(response);
    expect(signal.aborted).toBe(false);
    response.emit('close');
    expect(signal.aborted).toBe(true);
  });

  it('does not abort when the connection closes after the whole answer', () => {
    const response = connection(true);
    const signal = clientGoneSignal(response);
    response.emit('close');
    expect(signal.aborted).toBe(false);
  });

  it('listens once', () => {
    const response = connection(false);
    clientGoneSignal(response);
    response.emit('close');
    expect(response.listenerCount('close')).toBe(0);
  });
});
