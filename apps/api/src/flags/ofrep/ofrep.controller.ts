import { Body, Controller, Headers, Param, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { FlagReads } from '../../auth/auth.decorators';
import { FlagsService } from '../flags.service';
import {
  bulkEtag,
  evaluateAll,
  evaluateFlag,
  flagKeyProblem,
  ifNoneMatch,
  isFailure,
  parseEvaluationRequest,
} from './ofrep.evaluation';

/**
 * The OpenFeature Remote Evaluation Protocol (OFREP 0.3.0) over the flag store, for OpenFeature providers
 * (`@openfeature/ofrep-provider` and the like): one flag (server providers) or all of them with an ETag
 * (client providers poll it). Answers in the protocol's shapes, not Nest's: FLAG_NOT_FOUND is a 404,
 * PARSE_ERROR and INVALID_CONTEXT are 400s; 401/403 come from the guard (a token, or an X-API-Key).
 */
@Controller('ofrep/v1/evaluate/flags')
@FlagReads()
export class OfrepController {
  constructor(private readonly flags: FlagsService) {}

  @Post(':key')
  async evaluate(@Param('key') key: string, @Body() body: unknown, @Res() res: Response): Promise<void> {
    const request = parseEvaluationRequest(body);
    if (!request.ok) {
      res.status(400).json({ key, errorCode: request.errorCode, errorDetails: request.errorDetails });
      return;
    }
    const keyProblem = flagKeyProblem(key);
    if (keyProblem) {
      res.status(404).json({ key, errorCode: 'FLAG_NOT_FOUND', errorDetails: `No such flag: ${keyProblem}` });
      return;
    }
    const { environment } = request.context;
    const evaluation = evaluateFlag(key, await this.flags.stored(environment, key), request.context);
    res.status(isFailure(evaluation) ? 404 : 200).json(evaluation);
  }

  @Post()
  async evaluateAll(
    @Body() body: unknown,
    @Headers('if-none-match') known: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    const request = parseEvaluationRequest(body);
    if (!request.ok) {
      res.status(400).json({ errorCode: request.errorCode, errorDetails: request.errorDetails });
      return;
    }
    const { environment } = request.context;
    const flags = evaluateAll(await this.flags.stored(environment), request.context);
    const etag = bulkEtag(flags);
    // Revalidate every time: a rollout may change a flag at any moment.
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('ETag', etag);
    if (ifNoneMatch(known, etag)) {
      res.status(304).end();
      return;
    }
    res.status(200).json({ flags, metadata: { environment } });
  }
}
