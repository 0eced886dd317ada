import { stackDecorators } from './stack-decorators.js';

describe('stackDecorators', () => {
  it('applies the decorators as a stack written in this order would: the last first', () => {
    const applied: string[] = [];
    const mark =
      (name: string): PropertyDecorator =>
      (_target, property) =>
        applied.push(`${name}:${String(property)}`);
    const target = {};
    stackDecorators(
      mark('top'),
      mark('middle'),
      mark('bottom'),
    )(target, 'field');
    expect(applied).toEqual(['bottom:field', 'middle:field', 'top:field']);
  });
});
