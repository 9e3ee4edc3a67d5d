import type { Logger } from 'pino';
import { ConnectClient } from './connect-client.js';
import { buildConsoleApp } from './console-app.js';
import type { ConsoleSettings } from './console-settings.js';
import { BrokerKafkaView } from './kafka-view.js';
import { LiveShopView } from './shop-view.js';

export interface RunningConsole {
  url: string;
  close(): Promise<void>;
}

/** Starts the console on settings.host:port with the real Connect, Kafka and shop behind it. */
export async function startConsole(settings: ConsoleSettings, logger: Logger): Promise<RunningConsole> {
  const kafka = new BrokerKafkaView(settings.bootstrap);
  const shop = new LiveShopView({
    gatewayUrl: settings.gatewayUrl,
    databaseUrl: settings.databaseUrl,
    credentials: settings.databaseCredentials,
    dataDir: settings.dataDir,
    ordersTable: settings.ordersTable,
  });
  const app = await buildConsoleApp({ connect: new ConnectClient(settings.connectUrl), kafka, shop, logger });
  await app.listen({ host: settings.host, port: settings.port });
  const address = app.server.address();
  const actual = typeof address === 'object' && address ? address.port : settings.port;
  const host = settings.host.includes(':') ? `[${settings.host}]` : settings.host;
  return {
    url: `http://${host}:${actual}`,
    close: async () => {
      await app.close();
      await shop.close();
      await kafka.close();
    },
  };
}
