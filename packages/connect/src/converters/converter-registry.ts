import type { ConfigDef } from '../config/config-def.js';
import { ConfigException } from '../config/config-types.js';
import { ByteArrayConverter } from './byte-array-converter.js';
import type { Converter, HeaderConverter } from './converter.js';
import {
  converterConfigDef,
  jsonConverterConfigDef,
  simpleHeaderConverterConfigDef,
  stringConverterConfigDef,
} from './converter-config-defs.js';
import { JsonConverter } from './json/json-converter.js';
import {
  BooleanConverter,
  DoubleConverter,
  FloatConverter,
  IntegerConverter,
  LongConverter,
  ShortConverter,
} from './number-converters.js';
import { StringConverter } from './string-converter.js';

export type ConverterFactory = () => Converter & Partial<HeaderConverter>;

/**
 * Converter classes by name. Like Connect's plugin loader it accepts the full class name, the
 * simple class name and the simple name without its `Converter` suffix (`JsonConverter`,
 * `Json`), as long as such an alias names one class only.
 */
export class ConverterRegistry {
  readonly #factories = new Map<string, ConverterFactory>();
  readonly #configDefs = new Map<string, ConfigDef>();
  readonly #aliases = new Map<string, string | null>();

  /**
   * `configDef`: the settings the converter reads (after its `key.converter.` prefix), as its
   * Apache counterpart's `config()` defines them; Apache's ConverterConfig (converter.type) when absent.
   */
  register(className: string, factory: ConverterFactory, configDef: ConfigDef = converterConfigDef()): this {
    this.#factories.set(className, factory);
    this.#configDefs.set(className, configDef);
    const simple = className.slice(className.lastIndexOf('.') + 1);
    const pruned =
      simple.endsWith('Converter') && simple.length > 'Converter'.length ? simple.slice(0, -9) : simple;
    for (const alias of new Set([simple, pruned])) {
      const existing = this.#aliases.get(alias);
      // An alias claimed by two classes is ambiguous and resolves to neither.
      this.#aliases.set(alias, existing === undefined || existing === className ? className : null);
    }
    return this;
  }

  /** The full class name a name or alias stands for, or undefined. */
  resolve(classOrAlias: string): string | undefined {
    const name = classOrAlias.trim();
    if (this.#factories.has(name)) return name;
    return this.#aliases.get(name) ?? undefined;
  }

  /** The settings a converter reads, or undefined for a class this registry does not have. */
  configKeys(classOrAlias: string): readonly string[] | undefined {
    const def = this.configDef(classOrAlias);
    return def === undefined ? undefined : [...def.keys().keys()];
  }

  /** A converter's ConfigDef, or undefined for a class this registry does not have. */
  configDef(classOrAlias: string): ConfigDef | undefined {
    const className = this.resolve(classOrAlias);
    return className === undefined ? undefined : this.#configDefs.get(className);
  }

  /** The registered full class names. */
  classNames(): string[] {
    return [...this.#factories.keys()];
  }

  /** A new, unconfigured converter; a BAD_REQUEST `ConnectError` for an unknown class. */
  create(classOrAlias: string): Converter & Partial<HeaderConverter> {
    const className = this.resolve(classOrAlias);
    const factory = className === undefined ? undefined : this.#factories.get(className);
    if (factory === undefined) {
      throw new ConfigException(
        `Class ${classOrAlias} could not be found. Known converters: ${this.classNames().join(', ')} (or their simple names).`,
      );
    }
    return factory();
  }
}

/** The converters this worker ships: JSON, String, ByteArray and Apache's Boolean and number converters. */
export const converterRegistry = new ConverterRegistry()
  .register(JsonConverter.CLASS_NAME, () => new JsonConverter(), jsonConverterConfigDef())
  .register(StringConverter.CLASS_NAME, () => new StringConverter(), stringConverterConfigDef())
  .register(ByteArrayConverter.CLASS_NAME, () => new ByteArrayConverter())
  .register(BooleanConverter.CLASS_NAME, () => new BooleanConverter())
  .register(DoubleConverter.CLASS_NAME, () => new DoubleConverter())
  .register(FloatConverter.CLASS_NAME, () => new FloatConverter())
  .register(IntegerConverter.CLASS_NAME, () => new IntegerConverter())
  .register(LongConverter.CLASS_NAME, () => new LongConverter())
  .register(ShortConverter.CLASS_NAME, () => new ShortConverter());

/** `converterRegistry.create`: a converter from a class name such as a connector's `value.converter`. */
export function createConverter(classOrAlias: string): Converter & Partial<HeaderConverter> {
  return converterRegistry.create(classOrAlias);
}

/**
 * The one header converter msa-sync runs (see worker/header-bytes.ts). Apache would also run every
 * converter above as a header converter; msa-sync refuses them as `header.converter`.
 */
export const SIMPLE_HEADER_CONVERTER = 'org.apache.kafka.connect.storage.SimpleHeaderConverter';
const SIMPLE_HEADER_CONVERTER_NAMES = new Set([
  SIMPLE_HEADER_CONVERTER,
  'SimpleHeaderConverter',
  'SimpleHeader',
]);

/** The header converter classes this worker runs. */
export function headerConverterClassNames(): string[] {
  return [SIMPLE_HEADER_CONVERTER];
}

/** The full class name of a header converter this worker runs, or undefined. */
export function resolveHeaderConverter(classOrAlias: string): string | undefined {
  return SIMPLE_HEADER_CONVERTER_NAMES.has(classOrAlias.trim()) ? SIMPLE_HEADER_CONVERTER : undefined;
}

/** A header converter's ConfigDef (SimpleHeaderConverter's is empty), or undefined. */
export function headerConverterConfigDef(classOrAlias: string): ConfigDef | undefined {
  return resolveHeaderConverter(classOrAlias) === undefined ? undefined : simpleHeaderConverterConfigDef();
}
