import { readFileSync } from 'node:fs';
import { ConfigDef, type ParsedConfig } from '../config/config-def.js';
import { ConfigException } from '../config/config-types.js';
import type { RestCredentials } from '../rest/rest-auth.js';
import { parseJavaProperties } from './java-properties.js';

/** The one REST extension Apache ships, and the only one a worker here can run. */
export const BASIC_AUTH_EXTENSION =
  'org.apache.kafka.connect.rest.basic.auth.extension.BasicAuthSecurityRestExtension';
/** The login module Apache's extension reads its `user=password` file with. */
export const PROPERTY_FILE_LOGIN_MODULE =
  'org.apache.kafka.connect.rest.basic.auth.extension.PropertyFileLoginModule';
/** Apache's extension looks up this JAAS entry. */
const JAAS_ENTRY = 'KafkaConnect';
/**
 * Apache reads the JAAS file from the JVM's `-Djava.security.auth.login.config=`; with no JVM the
 * worker takes the same name as a worker setting (or from KAFKA_OPTS, where Apache users put it).
 */
export const JAAS_CONFIG_KEY = 'java.security.auth.login.config';
/** msa-sync's own: a file holding one bearer token (`Authorization: Bearer <token>`). */
export const BEARER_TOKEN_FILE_KEY = 'rest.auth.bearer.token.file';

export class RestSecurityConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkerConfigError';
  }
}

/** What the worker properties say about REST authentication (paths only; files are read at start). */
export interface RestSecuritySettings {
  enabled: boolean;
  /** The JAAS file naming the credentials file, when Basic authentication is on. */
  jaasConfigFile: string | undefined;
  bearerTokenFile: string | undefined;
}

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

function jaasPathFromKafkaOpts(env: NodeJS.ProcessEnv): string | undefined {
  const match = /-Djava\.security\.auth\.login\.config=("([^"]*)"|(\S+))/.exec(env.KAFKA_OPTS ?? '');
  return match ? (match[2] ?? match[3]) : undefined;
}

export const REST_EXTENSION_CLASSES_CONFIG = 'rest.extension.classes';

/** The worker keys that say how REST callers authenticate. */
export function restSecurityConfigDef(): ConfigDef {
  return new ConfigDef()
    .define({
      name: REST_EXTENSION_CLASSES_CONFIG,
      type: 'LIST',
      default: '',
      importance: 'LOW',
      documentation: `REST extensions to load; the only one this worker has is ${BASIC_AUTH_EXTENSION}.`,
    })
    .define({
      name: JAAS_CONFIG_KEY,
      type: 'STRING',
      default: null,
      importance: 'LOW',
      documentation:
        'The JAAS file the Basic authentication extension reads (a JVM system property in Apache; also read from KAFKA_OPTS).',
    })
    .define({
      name: BEARER_TOKEN_FILE_KEY,
      type: 'STRING',
      default: null,
      importance: 'LOW',
      documentation: 'msa-sync only: a file holding one bearer token REST callers must send.',
    });
}

const REST_SECURITY_DEF = restSecurityConfigDef();

/** {@link restSecuritySettingsOf} for worker properties as read from their file. */
export function restSecuritySettings(
  props: ReadonlyMap<string, string>,
  env: NodeJS.ProcessEnv,
): RestSecuritySettings {
  let parsed: ParsedConfig;
  try {
    parsed = REST_SECURITY_DEF.parse(Object.fromEntries(props));
  } catch (error) {
    if (error instanceof ConfigException) throw new RestSecurityConfigError(error.message);
    throw error;
  }
  return restSecuritySettingsOf(parsed, env);
}

/** What parsed worker properties (with {@link restSecurityConfigDef}'s keys) say about REST authentication. */
export function restSecuritySettingsOf(parsed: ParsedConfig, env: NodeJS.ProcessEnv): RestSecuritySettings {
  const extensions = (parsed.getList(REST_EXTENSION_CLASSES_CONFIG) ?? []).filter(Boolean);
  for (const extension of extensions) {
    if (extension !== BASIC_AUTH_EXTENSION) {
      throw new RestSecurityConfigError(
        `rest.extension.classes names ${extension}, which this worker cannot load; the only REST extension it has is ${BASIC_AUTH_EXTENSION}`,
      );
    }
  }
  const basic = extensions.length > 0;
  const jaasSetting = parsed.getString(JAAS_CONFIG_KEY) || undefined;
  if (jaasSetting && !basic) {
    throw new RestSecurityConfigError(
      `${JAAS_CONFIG_KEY} is set but rest.extension.classes does not name ${BASIC_AUTH_EXTENSION}: nothing would read it`,
    );
  }
  const jaasConfigFile = basic ? (jaasSetting ?? jaasPathFromKafkaOpts(env)) : undefined;
  if (basic && !jaasConfigFile) {
    throw new RestSecurityConfigError(
      `rest.extension.classes=${BASIC_AUTH_EXTENSION} needs a JAAS file: set ${JAAS_CONFIG_KEY}=<path> in the worker properties (or -D${JAAS_CONFIG_KEY}=<path> in KAFKA_OPTS)`,
    );
  }
  const bearerTokenFile = parsed.getString(BEARER_TOKEN_FILE_KEY) || undefined;
  return { enabled: basic || bearerTokenFile !== undefined, jaasConfigFile, bearerTokenFile };
}

function readSecretFile(path: string, setting: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new RestSecurityConfigError(
      `Cannot read ${path} (${setting}): ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
}

interface JaasModule {
  className: string;
  flag: string;
  options: Map<string, string>;
}

/**
 * The entries of a JAAS login configuration file: `Name { class flag key="value" ...; };`, with
 * `//` and `/* *\/` comments. Enough of the grammar for the files Connect users write.
 */
export function parseJaasConfig(text: string): Map<string, JaasModule[]> {
  const source = text.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/[^\n]*/g, ' ');
  const tokens = source.match(/"(?:[^"\\]|\\.)*"|[{};=]|[^\s{};="]+/g) ?? [];
  const entries = new Map<string, JaasModule[]>();
  let i = 0;
  const fail = (what: string): never => {
    throw new RestSecurityConfigError(`Malformed JAAS configuration: ${what}`);
  };
  const next = () => tokens[i++] ?? fail('unexpected end of file');
  while (i < tokens.length) {
    const name = next();
    if (next() !== '{') fail(`expected '{' after ${name}`);
    const modules: JaasModule[] = [];
    for (let token = next(); token !== '}'; token = next()) {
      const module: JaasModule = { className: token, flag: next().toLowerCase(), options: new Map() };
      for (let key = next(); key !== ';'; key = next()) {
        if (next() !== '=') fail(`expected '=' after option ${key}`);
        const raw = next();
        module.options.set(key, raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw);
      }
      modules.push(module);
    }
    if (tokens[i] === ';') i++;
    entries.set(name, modules);
  }
  return entries;
}

/** The credentials file named by the `KafkaConnect` entry's PropertyFileLoginModule. */
function basicUsers(jaasFile: string): Map<string, string> {
  const entry = parseJaasConfig(readSecretFile(jaasFile, JAAS_CONFIG_KEY)).get(JAAS_ENTRY);
  if (!entry) throw new RestSecurityConfigError(`${jaasFile} has no ${JAAS_ENTRY} { ... }; entry`);
  const [module, ...others] = entry;
  if (!module || others.length > 0 || module.className !== PROPERTY_FILE_LOGIN_MODULE) {
    throw new RestSecurityConfigError(
      `The ${JAAS_ENTRY} entry of ${jaasFile} must hold exactly one login module, ${PROPERTY_FILE_LOGIN_MODULE}`,
    );
  }
  if (module.flag !== 'required') {
    throw new RestSecurityConfigError(
      `${PROPERTY_FILE_LOGIN_MODULE} in ${jaasFile} must be 'required', not '${module.flag}'`,
    );
  }
  for (const option of module.options.keys()) {
    if (option !== 'file')
      throw new RestSecurityConfigError(
        `Unknown option ${option} of ${PROPERTY_FILE_LOGIN_MODULE} in ${jaasFile}`,
      );
  }
  const file = module.options.get('file');
  if (!file)
    throw new RestSecurityConfigError(`${PROPERTY_FILE_LOGIN_MODULE} in ${jaasFile} needs file="<path>"`);
  const users = parseJavaProperties(readSecretFile(file, `the file option in ${jaasFile}`));
  // Apache lets everyone in when this file is empty; here an empty file is a mistake to report.
  if (users.size === 0) throw new RestSecurityConfigError(`The credentials file ${file} holds no user`);
  return users;
}

/** Reads the files the settings name; every problem is a start-up error naming the setting. */
export function loadRestCredentials(settings: RestSecuritySettings): RestCredentials {
  const users = settings.jaasConfigFile ? basicUsers(settings.jaasConfigFile) : undefined;
  let bearerToken: string | undefined;
  if (settings.bearerTokenFile) {
    bearerToken = readSecretFile(settings.bearerTokenFile, BEARER_TOKEN_FILE_KEY).trim();
    if (bearerToken.length < 16 || /\s/.test(bearerToken)) {
      throw new RestSecurityConfigError(
        `${BEARER_TOKEN_FILE_KEY}: ${settings.bearerTokenFile} must hold one token of at least 16 characters without spaces`,
      );
    }
  }
  return { basicUsers: users, bearerToken };
}
