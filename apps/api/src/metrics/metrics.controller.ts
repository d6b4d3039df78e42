import { Controller, Get, Header, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiMetrics } from '../../../../libs/metrics/src';
import { Public } from '../auth/auth.decorators';

/**
 * GET /metrics: the API's metrics in Prometheus's text format, without a token (like /healthz): scrapers carry
 * none. It shows counts by plan and status, never rollout or user ids; keep it on a network you trust.
 */
@Controller('metrics')
@Public()
export class MetricsController {
  constructor(private readonly metrics: ApiMetrics) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  async scrape(@Res({ passthrough: true }) res: Response): Promise<string> {
    res.setHeader('Content-Type', this.metrics.registry.contentType);
    return this.metrics.registry.metrics();
  }
}
