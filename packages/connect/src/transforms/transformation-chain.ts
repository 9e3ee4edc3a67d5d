import { ConfigException } from '../config/config-types.js';
import type { ConnectRecord, Predicate, Transformation } from './transformation.js';
import { findPredicatePlugin, findTransformationPlugin } from './transformation-plugins.js';

export const TRANSFORMS_KEY = 'transforms';
export const PREDICATES_KEY = 'predicates';
/** Keys every transformation alias takes besides its own (Connect's PredicatedTransformation). */
export const PREDICATE_KEY = 'predicate';
export const NEGATE_KEY = 'negate';

/** A transformation or predicate config problem, with the key it is reported on (`….type`). */
export class TransformConfigError extends ConfigException {
  readonly key: string;

  constructor(key: string, message: string) {
    super(message);
    this.key = key;
  }
}

const failedIn = new WeakMap<object, string>();

/**
 * The class of the transformation a chain's failure came from: what Connect reports as the
 * executing class (`__connect.errors.class.name`) of a TRANSFORMATION stage failure.
 */
export function transformationClassOf(error: unknown): string | undefined {
  return error instanceof Object ? failedIn.get(error) : undefined;
}

/** One configured transformation and the predicate that gates it (Connect's `TransformationStage`). */
export interface TransformationStage {
  readonly alias: string;
  readonly className: string;
  readonly transformation: Transformation;
  readonly predicate: Predicate | undefined;
  readonly negate: boolean;
}

/**
 * The connector's transformations in order. A stage runs when it has no predicate, or when the
 * predicate's answer differs from `negate`; a stage returning `null` drops the record.
 */
export class TransformationChain {
  readonly stages: readonly TransformationStage[];

  constructor(stages: readonly TransformationStage[]) {
    this.stages = stages;
  }

  get isEmpty(): boolean {
    return this.stages.length === 0;
  }

  apply<R extends ConnectRecord>(record: R): R | null {
    let current: R | null = record;
    for (const stage of this.stages) {
      if (current === null) break;
      try {
        if (stage.predicate && stage.predicate.test(current) === stage.negate) continue;
        current = stage.transformation.apply(current);
      } catch (error) {
        if (error instanceof Object) failedIn.set(error, stage.className);
        throw error;
      }
    }
    return current;
  }

  close(): void {
    for (const stage of this.stages) {
      stage.transformation.close?.();
      stage.predicate?.close?.();
    }
  }
}

/** The aliases listed under `key` (`transforms` or `predicates`), blanks and repeats left out. */
export function aliasList(
  config: Readonly<Record<string, string | null | undefined>>,
  key: string,
): string[] {
  const raw = config[key]?.trim() ?? '';
  if (raw === '') return [];
  return [...new Set(raw.split(/\s*,\s*/).filter((alias) => alias !== ''))];
}

/** The keys under `prefix`, the prefix taken off; nulls are left out. */
export function keysUnder(
  config: Readonly<Record<string, string | null | undefined>>,
  prefix: string,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) {
    if (key.startsWith(prefix) && value !== null && value !== undefined)
      out[key.slice(prefix.length)] = value;
  }
  return out;
}

/**
 * Builds the chain a connector's config describes, as Connect's worker does when it starts a
 * task. Throws a `ConfigException` naming the key at fault: an unknown class, a predicate alias
 * without a type, `negate` without `predicate`, or the plugin's own config problem.
 */
export function buildTransformationChain(
  config: Readonly<Record<string, string | null | undefined>>,
): TransformationChain {
  const stages: TransformationStage[] = [];
  let typeKey = TRANSFORMS_KEY;
  try {
    for (const alias of aliasList(config, TRANSFORMS_KEY)) {
      const prefix = `${TRANSFORMS_KEY}.${alias}.`;
      typeKey = `${prefix}type`;
      const className = config[typeKey]?.trim();
      if (!className) throw ConfigException.missing(typeKey);
      const plugin = findTransformationPlugin(className);
      if (!plugin)
        throw ConfigException.invalid(typeKey, className, `Class ${className} could not be found.`);
      const props = keysUnder(config, prefix);
      const predicateAlias = props[PREDICATE_KEY]?.trim() ?? '';
      const negateText = props[NEGATE_KEY];
      delete props[PREDICATE_KEY];
      delete props[NEGATE_KEY];
      if (negateText !== undefined && predicateAlias === '') {
        throw new ConfigException(
          `Config '${prefix}${NEGATE_KEY}' was provided but there is no config '${prefix}${PREDICATE_KEY}' defining a predicate to be negated.`,
        );
      }
      const transformation = plugin.create(props);
      let predicate: Predicate | undefined;
      if (predicateAlias !== '') {
        typeKey = `${PREDICATES_KEY}.${predicateAlias}.type`;
        predicate = createPredicate(config, predicateAlias);
      }
      stages.push({
        alias,
        className: plugin.className,
        transformation,
        predicate,
        negate: negateText?.trim().toLowerCase() === 'true',
      });
    }
  } catch (error) {
    new TransformationChain(stages).close();
    if (error instanceof TransformConfigError || !(error instanceof Error)) throw error;
    throw new TransformConfigError(typeKey, error.message);
  }
  return new TransformationChain(stages);
}

function createPredicate(
  config: Readonly<Record<string, string | null | undefined>>,
  alias: string,
): Predicate {
  const prefix = `${PREDICATES_KEY}.${alias}.`;
  const typeKey = `${prefix}type`;
  const className = config[typeKey]?.trim();
  if (!className) throw ConfigException.missing(typeKey);
  const plugin = findPredicatePlugin(className);
  if (!plugin) throw ConfigException.invalid(typeKey, className, `Class ${className} could not be found.`);
  return plugin.create(keysUnder(config, prefix));
}
