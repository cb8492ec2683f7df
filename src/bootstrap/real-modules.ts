import { ContainerModule } from 'inversify';
import type { Logger } from '../application/ports/logger.port.ts';
import type { RecordIssuedCoupons } from '../application/record-issued-coupons.ts';
import type { Config } from './config.ts';
import type { Runtime } from './container.ts';
import type { Lifecycle } from './lifecycle.ts';

// Filled in when the real adapters land.
export async function redisModule(
  _config: Config,
  _kind: 'redis' | 'redis-cluster',
  _lifecycle: Lifecycle,
  _role: string,
): Promise<ContainerModule> {
  throw new Error('not yet');
}
export async function kafkaModule(
  _config: Config,
  _logger: Logger,
  _lifecycle: Lifecycle,
  _role: string,
): Promise<ContainerModule> {
  throw new Error('not yet');
}
export async function mikroOrmModule(_config: Config, _lifecycle: Lifecycle): Promise<ContainerModule> {
  throw new Error('not yet');
}
export async function startKafkaConsumer(_runtime: Runtime, _record: RecordIssuedCoupons): Promise<void> {
  throw new Error('not yet');
}
