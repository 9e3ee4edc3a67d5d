import type { Validator } from '../config/validators.js';

/**
 * Kafka 4.4's `ConfigDef` drops repeated entries of a list checked by a `ValidList` (logging a
 * warning) before validating it, so `a,a` is accepted as `a`; the shared ConfigDef does not, hence
 * this wrapper (and the de-duplication where the list is read).
 */
export function distinctValues(validator: Validator): Validator {
  return {
    description: validator.description,
    ensureValid: (name, value) =>
      validator.ensureValid(name, Array.isArray(value) ? [...new Set(value)] : value),
  };
}
