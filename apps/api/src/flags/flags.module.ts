import { Module } from '@nestjs/common';
import { FlagsController } from './flags.controller';
import { FlagsResolver } from './flags.resolver';
import { FlagsService } from './flags.service';

/** The flag store, read-only: GraphQL for admin UIs, GET /flags for applications. */
@Module({ providers: [FlagsService, FlagsResolver], controllers: [FlagsController] })
export class FlagsModule {}
