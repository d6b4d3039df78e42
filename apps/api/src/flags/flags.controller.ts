import { Controller, Get, Header, Query } from '@nestjs/common';
import { Public } from '../auth/auth.decorators';
import { FlagsService } from './flags.service';

/**
 * GET /flags[?environment=NAME]: the flag values applications poll, as one JSON object
 * (`{ "flags": { "kwik_integration": true } }`). Read-only; no token needed, like a config endpoint.
 */
@Controller('flags')
@Public()
export class FlagsController {
  constructor(private readonly service: FlagsService) {}

  @Get()
  @Header('Cache-Control', 'no-cache')
  async current(@Query('environment') environment?: string): Promise<{ environment: string; flags: object }> {
    const env = typeof environment === 'string' && environment.length > 0 ? environment.slice(0, 128) : '*';
    const flags = await this.service.effective(env);
    return { environment: env, flags: Object.fromEntries(flags.map((f) => [f.key, f.value])) };
  }
}
