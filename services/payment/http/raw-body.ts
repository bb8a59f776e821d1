import type { Express, RequestHandler } from 'express';

interface RouterLayer {
  name: string;
  handle: RequestHandler;
}

/**
 * Lets requests to `path` reach their route with the body unread: the kit's app parses JSON for every
 * route before any service route runs, but a Stripe signature is an HMAC over the raw bytes, so the
 * webhook must read them itself (express.raw on that route only). The JSON parser is wrapped to skip
 * this one path. Fails at start-up if the app has no JSON parser to wrap, rather than at the first
 * webhook. (Candidate for a service-kit option: `rawBodyPaths`.)
 */
export function keepRawBodyFor(app: Express, path: string): void {
  const stack = (app as unknown as { router?: { stack?: RouterLayer[] } }).router?.stack ?? [];
  const parsers = stack.filter((layer) => layer.name === 'jsonParser');
  if (parsers.length === 0) throw new Error('keepRawBodyFor: the app has no JSON body parser to bypass');
  for (const layer of parsers) {
    const parse = layer.handle;
    const bypass: RequestHandler = (req, res, next) => {
      if (req.path === path) next();
      else parse(req, res, next);
    };
    layer.handle = bypass;
  }
}
