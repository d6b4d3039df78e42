import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { static as serveStatic } from 'express';
import { CONSOLE_CONFIG, type ConsoleConfig } from './console.config';

/** The console's own client-side routes: a browser asking for one of them gets index.html. */
const CONSOLE_ROUTES = /^\/(?:$|rollouts(?:\/|$)|plans(?:\/|$)|waiting\/?$|signin\/?$)/;

const wantsHtml = (req: Request): boolean =>
  (req.method === 'GET' || req.method === 'HEAD') && (req.headers.accept ?? '').includes('text/html');

/**
 * Serves the built console (same origin as the API): its assets, index.html for its routes, and the offline
 * GraphQL IDE (graphiql.html) for a browser opening /graphql. Everything else — POST /graphql, graphql-ws,
 * /healthz, /readyz, /flags, /alerts … — passes through untouched.
 */
@Injectable()
export class ConsoleMiddleware implements NestMiddleware {
  private readonly assets: ReturnType<typeof serveStatic>;

  constructor(@Inject(CONSOLE_CONFIG) private readonly config: ConsoleConfig) {
    // Hashed file names: cached for a year; the HTML pages are read fresh (no-cache) below.
    this.assets = serveStatic(config.webDir, {
      index: false,
      immutable: true,
      maxAge: '365d',
      fallthrough: true,
    });
  }

  use(req: Request, res: Response, next: NextFunction): void {
    const path = req.path;
    if (path.startsWith('/assets/')) {
      this.assets(req, res, next);
      return;
    }
    if (!wantsHtml(req)) return next();
    if (path === '/graphql' || path === '/graphql/') {
      // A GET with a query is a GraphQL request (Apollo answers it); a browser opening the URL gets the IDE.
      if (req.query.query !== undefined) return next();
      this.page(res, 'graphiql.html');
      return;
    }
    if (CONSOLE_ROUTES.test(path)) this.page(res, 'index.html');
    else next();
  }

  private page(res: Response, file: string): void {
    const full = join(this.config.webDir, file);
    res.setHeader('cache-control', 'no-cache');
    res.setHeader('x-content-type-options', 'nosniff');
    if (!existsSync(full)) {
      res
        .status(503)
        .type('text/plain')
        .send(
          `The console is not built (${full} is missing). \`npm start\` builds it, or run \`npm run build:web\`.\n`,
        );
      return;
    }
    res.type('html').send(readFileSync(full, 'utf8'));
  }
}
