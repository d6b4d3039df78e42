import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import { migrateSchema } from './migrate';

/** Brings the schema up to date before the application serves anything. */
@Injectable()
export class MigrateOnBoot implements OnModuleInit {
  private readonly logger = new Logger('Persistence');

  constructor(private readonly orm: MikroORM) {}

  async onModuleInit(): Promise<void> {
    const applied = await migrateSchema(this.orm, (error, attempt) =>
      this.logger.warn(`migrating failed (try ${attempt}; another process migrating too?): ${String(error)}`),
    );
    if (applied.length) this.logger.log(`applied migrations: ${applied.join(', ')}`);
  }
}
