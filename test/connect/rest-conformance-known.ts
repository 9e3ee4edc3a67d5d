/**
 * The differences between Apache Kafka Connect's REST answers and msa-sync's that the conformance
 * test accepts, each by step and JSON path, each explained under its id in
 * docs/connect/differences.md. A difference not matched here fails the test, and so does an
 * entry here that no longer matches anything.
 */
export interface KnownDifference {
  id: string;
  step: RegExp;
  path: RegExp;
}

const ANY = /./;

export const KNOWN_DIFFERENCES: KnownDifference[] = [
  { id: 'commit-id', step: /^root$/, path: /^body\.commit$/ },
  { id: 'own-documentation', step: ANY, path: /\.documentation$/ },
  { id: 'jdbc-connectors-built-in', step: /^plugins/, path: /^body\[io\.confluent\.connect\.jdbc\./ },
  {
    id: 'file-stream-file-required',
    step: /^(validate-sink-bad|validate-unknown-transform)$/,
    path: /^body\.(error_count|configs\[file\]\.value\.errors)$/,
  },
  { id: 'file-stream-file-required', step: /^create-unknown-transform$/, path: /^body\.message$/ },
  {
    id: 'bad-request-is-400',
    step: /^create-(bad-json|no-config)$/,
    path: /^(status|body\.error_code|body\.message)$/,
  },
  { id: 'unknown-class-message', step: /^create-unknown-class$/, path: /^body\.message$/ },
  {
    id: 'header-converters-simple-only',
    step: /^plugins-all$/,
    path: /\|header_converter\]$/,
  },
  {
    id: 'header-converters-simple-only',
    step: /^validate-/,
    path: /^body\.configs\[header\.converter\]\.value\.recommended_values$/,
  },
  { id: 'float-format-key', step: /^plugin-config-converter$/, path: /^body\[float\.format\]$/ },
  {
    id: 'topic-creation-in-validate',
    step: /^validate-source$/,
    path: /^body\.(groups|configs\[topic\.creation\.(default|compacted)\.[a-z.]+\])$/,
  },
  {
    id: 'unknown-transform-class',
    step: /^validate-unknown-transform$/,
    path: /^body\.configs\[transforms\.t\.(type\]\.value\.value|predicate\]|negate\])$/,
  },
  {
    id: 'topics-of-unknown-connector',
    step: /^topics-unknown$/,
    path: /^(status|body\.no-such-connector|body\.error_code|body\.message)$/,
  },
];
