// The secret rules the worker's REST API applies, for other programs that show Connect configs
// (the operator console): one rule for what is a secret, one marker for a hidden value.

export { HIDDEN } from './config/config-types.js';
export {
  isSecretName,
  maskSecrets,
  type PasswordKeys,
  restoreHiddenSecrets,
  secretKeys,
} from './config/secret-values.js';
