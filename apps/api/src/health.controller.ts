import { Controller, Get } from '@nestjs/common';
import { Public } from './auth/auth.decorators';

@Controller('healthz')
@Public()
export class HealthController {
  @Get()
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }
}
