import { ConfigDef } from '../config/config-def.js';
import { compileJavaRegex, javaRegexValidator } from './java-regex.js';
import { transformationPlugin } from './key-value-plugins.js';
import { type TransformationPlugin, withChanges } from './transformation.js';

const REGEX = 'regex';
const REPLACEMENT = 'replacement';

export const REGEX_ROUTER_CONFIG_DEF = new ConfigDef()
  .define({
    name: REGEX,
    type: 'STRING',
    validator: javaRegexValidator(),
    importance: 'HIGH',
    documentation: 'Java regular expression the whole topic name must match for the record to be rerouted.',
  })
  .define({
    name: REPLACEMENT,
    type: 'STRING',
    importance: 'HIGH',
    documentation:
      'The new topic name, in java.util.regex.Matcher replacement syntax: $1 (or $' +
      '{name} for a named group) inserts a captured group, a backslash escapes the next character.',
  });

/**
 * `RegexRouter`: when the topic name matches `regex` as a whole (`Matcher.matches()`), the topic
 * becomes the first match of the regex in the name (`Matcher.replaceFirst`) replaced with
 * `replacement`; other records pass through unchanged. Regexes and replacements follow Java's
 * syntax (see java-regex.ts for what is translated and what is refused at config time). As in
 * Apache, a bad replacement (`$9` with fewer groups, a trailing `$` or `\`) fails each record
 * that matches, with Java's `IllegalArgumentException` / `IndexOutOfBoundsException` message.
 */
export const regexRouterPlugins: TransformationPlugin[] = [
  transformationPlugin('RegexRouter', REGEX_ROUTER_CONFIG_DEF, (props) => {
    const config = REGEX_ROUTER_CONFIG_DEF.parse(props);
    const pattern = compileJavaRegex(config.getString(REGEX) ?? '');
    const replacement = config.getString(REPLACEMENT) ?? '';
    return {
      apply(record) {
        if (!pattern.matches(record.topic)) return record;
        return withChanges(record, { topic: pattern.replaceFirst(record.topic, replacement) });
      },
    };
  }),
];
