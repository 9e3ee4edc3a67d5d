import { ConfigDef } from '../config/config-def.js';
import { transformationPlugin } from './key-value-plugins.js';
import type { TransformationPlugin } from './transformation.js';

export const FILTER_CONFIG_DEF = new ConfigDef();

/**
 * `Filter`: drops every record it sees. It takes no configuration; it is meant to be made
 * conditional with a predicate (`transforms.<alias>.predicate`, optionally `negate`), so that only
 * the records the predicate selects are dropped.
 */
export const filterPlugins: TransformationPlugin[] = [
  transformationPlugin('Filter', FILTER_CONFIG_DEF, () => ({
    apply: () => null,
  })),
];
