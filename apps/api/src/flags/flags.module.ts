import { Module } from '@nestjs/common';
import { FlagsController } from './flags.controller';
import { FlagsResolver } from './flags.resolver';
import { FlagsService } from './flags.service';
import { OfrepController } from './ofrep/ofrep.controller';

/** The flag store, read-only: GraphQL for admin UIs, OFREP for OpenFeature providers, GET /flags to poll. */
@Module({ providers: [FlagsService, FlagsResolver], controllers: [FlagsController, OfrepController] })
export class FlagsModule {}
