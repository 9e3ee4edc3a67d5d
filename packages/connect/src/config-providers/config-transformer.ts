import { type ConfigProvider, ConfigProviderError } from './config-providers.js';

/** Apache's ConfigTransformer pattern: `${provider:[path:]key}`. */
const REFERENCE = /\$\{([^}]*?):(?:([^}]*?):)?([^}]*?)\}/g;

export function hasReference(value: string | null | undefined): boolean {
  return typeof value === 'string' && new RegExp(REFERENCE.source).test(value);
}

export interface ResolvedConfig {
  config: Record<string, string>;
  /** Problems by key, e.g. an unknown provider or a missing file; no value is ever quoted. */
  errors: Map<string, string[]>;
  /** Keys whose value came (in part) from a provider. */
  resolvedKeys: Set<string>;
}

/**
 * Resolves `${provider:path:key}` references, as Apache's ConfigTransformer does when a connector
 * or task starts. Stored configs keep the references: only the running instances see the values.
 * Unlike Apache, an unknown provider is an error, not a reference left as it is.
 */
export class ConfigTransformer {
  readonly #providers: ReadonlyMap<string, ConfigProvider>;

  constructor(providers: ReadonlyMap<string, ConfigProvider>) {
    this.#providers = providers;
  }

  transform(config: Readonly<Record<string, string>>): ResolvedConfig {
    const out: Record<string, string> = {};
    const errors = new Map<string, string[]>();
    const resolvedKeys = new Set<string>();
    for (const [key, value] of Object.entries(config)) {
      if (typeof value !== 'string' || !hasReference(value)) {
        out[key] = value;
        continue;
      }
      out[key] = value.replace(REFERENCE, (whole, alias: string, path: string | undefined, name: string) => {
        const provider = this.#providers.get(alias);
        try {
          if (!provider) {
            const known = [...this.#providers.keys()];
            throw new ConfigProviderError(
              `no config provider '${alias}' (config.providers lists ${known.length ? known.join(', ') : 'none'})`,
            );
          }
          resolvedKeys.add(key);
          return provider.get(path, name);
        } catch (error) {
          const reason = error instanceof ConfigProviderError ? error.message : String(error);
          errors.set(key, [...(errors.get(key) ?? []), `Cannot resolve ${whole}: ${reason}`]);
          return whole;
        }
      });
    }
    return { config: out, errors, resolvedKeys };
  }

  /** Throws the first problem, for a connector or task about to start. */
  resolve(config: Readonly<Record<string, string>>): ResolvedConfig {
    const resolved = this.transform(config);
    const [first] = [...resolved.errors].flatMap(([key, messages]) => messages.map((m) => `${key}: ${m}`));
    if (first) throw new ConfigProviderError(first);
    return resolved;
  }
}

/**
 * Apache's reverse transform: task configs a connector generated from resolved values get the
 * references back for every key whose connector value held one, so connect-configs never stores a
 * resolved secret.
 */
export function restoreReferences(
  rawConnectorConfig: Readonly<Record<string, string>>,
  taskConfig: Readonly<Record<string, string>>,
): Record<string, string> {
  const out = { ...taskConfig };
  for (const [key, value] of Object.entries(rawConnectorConfig)) {
    if (key in out && hasReference(value)) out[key] = value;
  }
  return out;
}
