import { Controller, Get, Header, Query } from '@nestjs/common';
import { z } from 'zod';
import { ALL_SEGMENTS } from '../../../../libs/persistence/src/flag-segments';
import { Public } from '../auth/auth.decorators';
import { safeText } from '../common/input-checks';
import { parseInput } from '../common/input-refusal';
import { FlagsService } from './flags.service';

/** The query parameters of GET /flags: at most one environment, sane text (input-checks). */
const FlagsQuery = z.object({ environment: safeText.max(128).optional() });

/**
 * GET /flags[?environment=NAME]: the flag values applications poll, as one JSON object
 * (`{ "flags": { "kwik_integration": true } }`). Read-only; no token needed, like a config endpoint.
 * A parameter that is not sane text (a NUL, a repeated parameter) is a 400, audited.
 */
@Controller('flags')
@Public()
export class FlagsController {
  constructor(private readonly service: FlagsService) {}

  @Get()
  @Header('Cache-Control', 'no-cache')
  async current(@Query() query: Record<string, unknown>): Promise<{ environment: string; flags: object }> {
    const { environment } = parseInput(FlagsQuery, query, 'Invalid query parameters', 'query');
    const env = environment !== undefined && environment.length > 0 ? environment : ALL_SEGMENTS;
    const flags = await this.service.effective(env);
    return { environment: env, flags: Object.fromEntries(flags.map((f) => [f.key, f.value])) };
  }
}
