import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Public } from '../auth/auth.decorators';
import { type Readiness, ReadinessService } from './readiness.service';

/**
 * GET /readyz: 200 when the database takes writes and Temporal answers, else 503; the body names each check
 * (`{"ready":false,"checks":{"database":{"ok":false,"error":"not writable: …"},"temporal":{"ok":true}}}`).
 * For load balancers and orchestrators; /healthz stays a liveness check that touches neither.
 */
@Controller('readyz')
@Public()
export class ReadinessController {
  constructor(private readonly readiness: ReadinessService) {}

  @Get()
  async ready(@Res({ passthrough: true }) res: Response): Promise<Readiness> {
    const result = await this.readiness.readiness();
    res.status(result.ready ? 200 : 503).setHeader('Cache-Control', 'no-store');
    return result;
  }
}
