import { badRequest } from '../errors/connect-error.js';
import { ByteArrayConverter } from './byte-array-converter.js';
import type { Converter, HeaderConverter } from './converter.js';
import { JsonConverter } from './json/json-converter.js';
import { StringConverter } from './string-converter.js';

export type ConverterFactory = () => Converter & Partial<HeaderConverter>;

/**
 * Converter classes by name. Like Connect's plugin loader it accepts the full class name, the
 * simple class name and the simple name without its `Converter` suffix (`JsonConverter`,
 * `Json`), as long as such an alias names one class only.
 */
export class ConverterRegistry {
  readonly #factories = new Map<string, ConverterFactory>();
  readonly #aliases = new Map<string, string | null>();

  register(className: string, factory: ConverterFactory): this {
    this.#factories.set(className, factory);
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

  /** The registered full class names. */
  classNames(): string[] {
    return [...this.#factories.keys()];
  }

  /** A new, unconfigured converter; a BAD_REQUEST `ConnectError` for an unknown class. */
  create(classOrAlias: string): Converter & Partial<HeaderConverter> {
    const className = this.resolve(classOrAlias);
    const factory = className === undefined ? undefined : this.#factories.get(className);
    if (factory === undefined) {
      throw badRequest(
        `Class ${classOrAlias} could not be found. Known converters: ${this.classNames().join(', ')} (or their simple names).`,
      );
    }
    return factory();
  }
}

/** The converters this worker ships: JSON, String and ByteArray. */
export const converterRegistry = new ConverterRegistry()
  .register(JsonConverter.CLASS_NAME, () => new JsonConverter())
  .register(StringConverter.CLASS_NAME, () => new StringConverter())
  .register(ByteArrayConverter.CLASS_NAME, () => new ByteArrayConverter());

/** `converterRegistry.create`: a converter from a class name such as a connector's `value.converter`. */
export function createConverter(classOrAlias: string): Converter & Partial<HeaderConverter> {
  return converterRegistry.create(classOrAlias);
}
