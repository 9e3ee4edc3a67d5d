import { createConverter } from '../converters/index.js';
import type { RecordConverter } from './converter-contract.js';

/** Builds and configures the converter a connector or the worker config names. */
export function createRecordConverter(
  className: string,
  config: Record<string, string>,
  isKey: boolean,
): RecordConverter {
  const converter = createConverter(className);
  converter.configure(config, isKey);
  return {
    fromConnectData: (topic, schema, value) => converter.fromConnectData(topic, schema ?? null, value),
    toConnectData: (topic, bytes) => converter.toConnectData(topic, bytes),
  };
}
