export { credentialsFromEnv, type DatabaseCredentials, ShopDatabase } from '../shop-database.js';
export {
  buildReport,
  describeReport,
  type RunObservations,
  type StockCheck,
  type VerifyReport,
} from './order-report.js';
export { type VerifyOptions, verifyOrders } from './verify-orders.js';
