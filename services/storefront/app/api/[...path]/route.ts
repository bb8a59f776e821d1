/**
 * /api/* -> the gateway, unchanged: the browser's only way out. The page and the API then share one
 * origin (no CORS), and the gateway stays the public edge that authenticates, rate-limits and
 * validates every request. GATEWAY_URL is read at run time, so one build serves any gateway.
 */
// x-forwarded-for: the visitor's address as the Next server saw it. The gateway counts it for its per-IP
// rate limit only when told to trust this server (GATEWAY_TRUST_PROXY); otherwise every shop visitor
// is this server's one address to it.
const REQUEST_HEADERS = ['authorization', 'content-type', 'accept', 'idempotency-key', 'x-forwarded-for'];
const RESPONSE_HEADERS = ['content-type', 'location', 'retry-after', 'www-authenticate'];

export const dynamic = 'force-dynamic';

async function forward(
  request: Request,
  context: { params: Promise<{ path: string[] }> },
): Promise<Response> {
  const gateway = (process.env.GATEWAY_URL ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
  const { path } = await context.params;
  const url = new URL(request.url);
  const target = `${gateway}/${path.map(encodeURIComponent).join('/')}${url.search}`;
  const headers = new Headers();
  for (const name of REQUEST_HEADERS) {
    const value = request.headers.get(name);
    if (value !== null) headers.set(name, value);
  }
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
  let upstream: Response;
  try {
    upstream = await fetch(target, {
      method: request.method,
      headers,
      body: hasBody ? await request.arrayBuffer() : undefined,
      redirect: 'manual',
      signal: AbortSignal.timeout(30_000),
    });
  } catch {
    return Response.json(
      {
        type: 'about:blank',
        title: 'Gateway unreachable',
        status: 502,
        detail: 'The shop cannot reach its API right now; try again in a moment.',
      },
      { status: 502, headers: { 'content-type': 'application/problem+json' } },
    );
  }
  const out = new Headers({ 'cache-control': 'no-store' });
  for (const name of RESPONSE_HEADERS) {
    const value = upstream.headers.get(name);
    if (value !== null) out.set(name, value);
  }
  const body = upstream.status === 204 || upstream.status === 304 ? null : await upstream.arrayBuffer();
  return new Response(body, { status: upstream.status, headers: out });
}

export const GET = forward;
export const POST = forward;
export const PATCH = forward;
export const PUT = forward;
export const DELETE = forward;
