/** Where the keys are read from (`KeysSource`). */
export const KEYS_SOURCE = Symbol('KEYS_SOURCE');
