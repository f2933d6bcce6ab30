/**
 * Random and mutated HTTP requests against a live `gan-studio serve`: valid requests of every
 * route (with the token) mutated a byte, a piece or a header at a time, and plain garbage.
 * The server must answer each (or close), never exit, answer a health check throughout, keep
 * its descriptors, and leave the sentinel tree outside its folders alone.
 */
import { FuzzRng, type FuzzFigures, type FuzzOptions } from './figures.js';
import { request, startLiveServer, type LiveServer } from './live-server.js';

const HOSTILE = ['%', '%0', '%zz', '%E0%A4%A', '%00', '%2e%2e', '%2f', '..', '/..', '//', '\\', '?', '#', '&', '=', ';', '[', ']', ':', '@', 'http://', 'http://a:b', '\u00e9', '\u202e', 'x'.repeat(300), '/api/', '/api/ws', 'token='];
const METHODS = ['GET', 'POST', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'CONNECT', 'TRACE', 'get', 'G', 'XYZ'];

function corpus(server: LiveServer): { method: string; target: string; headers: Record<string, string>; body: string }[] {
  const t = `token=${server.token}`;
  return [
    { method: 'GET', target: `/?${t}`, headers: {}, body: '' },
    { method: 'GET', target: `/index.html?${t}`, headers: {}, body: '' },
    { method: 'GET', target: '/app.js', headers: {}, body: '' },
    { method: 'GET', target: `/api/media/00000000-0000-0000-0000-000000000000/0/input?${t}&variant=thumb`, headers: {}, body: '' },
    { method: 'GET', target: `/api/media/job/0/output?${t}&download=1`, headers: {}, body: '' },
    { method: 'GET', target: `/api/run-media/run-1/iter-0000001.png?${t}`, headers: {}, body: '' },
    { method: 'POST', target: `/api/upload?${t}&batch=fuzz&path=a%2Fb.jpg`, headers: { 'content-type': 'application/octet-stream' }, body: 'abcdef' },
    { method: 'POST', target: `/api/upload?${t}&batch=fuzz&path=c.jpg`, headers: { 'transfer-encoding': 'chunked' }, body: '3\r\nabc\r\n0\r\n\r\n' },
    {
      method: 'GET',
      target: `/api/ws?${t}`,
      headers: { upgrade: 'websocket', connection: 'Upgrade', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', 'sec-websocket-version': '13', origin: server.origin },
      body: '',
    },
  ];
}

function mutate(rng: FuzzRng, server: LiveServer, base: ReturnType<typeof corpus>[number]): Buffer {
  let { method, target, body } = base;
  const headers: Record<string, string> = { host: `127.0.0.1:${server.port}`, connection: 'close', ...base.headers };
  const rounds = 1 + rng.int(3);
  for (let r = 0; r < rounds; r++) {
    switch (rng.int(9)) {
      case 0: {
        const at = rng.int(target.length + 1);
        target = target.slice(0, at) + rng.pick(HOSTILE) + target.slice(at);
        break;
      }
      case 1: {
        const at = rng.int(target.length);
        target = target.slice(0, at) + target.slice(at + 1 + rng.int(8));
        break;
      }
      case 2:
        method = rng.pick(METHODS);
        break;
      case 3:
        headers.host = rng.pick(['evil.example', `localhost:${server.port}`, '', `127.0.0.1:${server.port + 1}`, '[::1]', `127.0.0.1:${server.port}\u0000`]);
        break;
      case 4:
        headers.origin = rng.pick(['null', 'http://evil.example', server.origin, `${server.origin}.evil`, '']);
        break;
      case 5:
        target = rng.pick([`http://127.0.0.1:${server.port}${target}`, `http://a:b${target}`, `*`, `//${target}`, target.replace('?', '%3F')]);
        break;
      case 6:
        body = rng.pick(['', 'x'.repeat(rng.int(5000)), '0\r\n\r\n', 'zz\r\nxx\r\n']);
        break;
      case 7:
        headers[rng.pick(['content-length', 'transfer-encoding', 'expect', 'cookie', 'x-y'])] = rng.pick(['-1', '1e9', 'chunked', '100-continue', 'abc', '0', String(body.length)]);
        break;
      default: {
        const keys = Object.keys(headers);
        delete headers[rng.pick(keys)];
      }
    }
  }
  // A consistent length unless a mutation set one on purpose: otherwise the server rightly waits for the rest.
  if (headers['content-length'] === undefined && headers['transfer-encoding'] === undefined && body !== '') headers['content-length'] = String(Buffer.byteLength(body));
  const head = `${method} ${target} HTTP/1.1\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), Buffer.from(body, 'latin1')]);
}

/** One case: random bytes, a raw garbage line, or a mutated valid request. */
export function httpCase(rng: FuzzRng, server: LiveServer): Buffer {
  const roll = rng.int(10);
  if (roll === 0) return Buffer.concat([rng.bytes(1 + rng.int(200)), Buffer.from('\r\n\r\n')]);
  if (roll === 1) return Buffer.from(`${rng.pick(METHODS)} ${rng.pick(HOSTILE)}${rng.pick(HOSTILE)} HTTP/1.${rng.int(3)}\r\nhost: 127.0.0.1:${server.port}\r\n\r\n`, 'latin1');
  return mutate(rng, server, rng.pick(corpus(server)));
}

/** Sends `count` cases, `parallel` at a time, checking health every `every`; adds to `figures`. */
export async function hammer(server: LiveServer, rng: FuzzRng, count: number, figures: FuzzFigures, parallel = 8, every = 200): Promise<void> {
  // Made before any is sent, so the seed replays the same cases whatever order the answers come in.
  const cases = Array.from({ length: count }, () => httpCase(rng, server));
  let sent = 0;
  const worker = async (): Promise<void> => {
    while (sent < count && server.alive()) {
      const bytes = cases[sent++] as Buffer;
      figures.tried++;
      const answer = await server.raw(bytes, { timeoutMs: 1500 });
      if (answer.status >= 500 && (figures.notes?.length ?? 0) < 10) figures.notes?.push(`answered ${answer.status}: ${JSON.stringify(bytes.toString('latin1').split('\r\n')[0]?.slice(0, 120))}`);
      if (sent % every === 0) await health(server, figures);
    }
  };
  await Promise.all(Array.from({ length: parallel }, () => worker()));
}

async function health(server: LiveServer, figures: FuzzFigures): Promise<void> {
  if (!server.alive()) return;
  const answer = await server.raw(request(server, 'GET', `/?token=${server.token}`), { timeoutMs: 5000 });
  if (answer.status !== 200) {
    figures.hangs++;
    figures.notes?.push(`the health check got ${answer.status === 0 ? 'no answer' : answer.status}`);
  }
}

/** Crashes, descriptor leaks and sentinel changes, checked once the cases are done. */
export async function finalChecks(server: LiveServer, figures: FuzzFigures, fdsBefore: number, sentinelBefore: string[]): Promise<void> {
  if (!server.alive()) {
    figures.crashes++;
    figures.notes?.push(`the server exited: ${server.serve.output().slice(-400)}`);
    return;
  }
  await health(server, figures);
  // Closed connections are closed: give the server a moment to let go of the last ones.
  let fds = await server.fds();
  for (let k = 0; k < 20 && fds > fdsBefore + 8; k++) {
    await new Promise((r) => setTimeout(r, 250));
    fds = await server.fds();
  }
  if (fds > fdsBefore + 8) {
    figures.escapes++;
    figures.notes?.push(`descriptors grew from ${fdsBefore} to ${fds}`);
  }
  const sentinelAfter = await server.sentinelListing();
  if (JSON.stringify(sentinelAfter) !== JSON.stringify(sentinelBefore)) {
    figures.escapes++;
    figures.notes?.push('the sentinel tree outside the studio changed');
  }
}

/**
 * One fuzz session against a live server: the sentinel listing, then `warmUp` (whose connections
 * belong to the descriptor baseline taken after it), the cases, and the final checks. A server
 * that exits while the cases run counts as a crash, not as an error of the fuzzer.
 */
export async function liveServerSession<T>(
  seed: number,
  warmUp: (server: LiveServer, figures: FuzzFigures) => Promise<T>,
  cases: (server: LiveServer, rng: FuzzRng, figures: FuzzFigures, warm: T) => Promise<void>,
): Promise<FuzzFigures> {
  const figures: FuzzFigures = { tried: 0, crashes: 0, hangs: 0, escapes: 0, notes: [] };
  const server = await startLiveServer();
  try {
    const rng = new FuzzRng(seed);
    const sentinelBefore = await server.sentinelListing();
    const warm = await warmUp(server, figures);
    const fdsBefore = await server.fds();
    await cases(server, rng, figures, warm);
    await finalChecks(server, figures, fdsBefore, sentinelBefore);
  } catch (err) {
    if (server.alive()) throw err;
    figures.crashes++;
    figures.notes?.push(`the server exited: ${server.serve.output().slice(-400)}`);
  } finally {
    await server.stop();
  }
  return figures;
}

export function run({ seed, iterations }: FuzzOptions): Promise<FuzzFigures> {
  return liveServerSession(
    seed,
    health,
    (server, rng, figures) => hammer(server, rng, iterations, figures),
  );
}

/** Requests that are malformed in the ways issue 14 found fatal, each answered at once: for the burst a running batch must live through. */
export function malformedRequest(rng: FuzzRng, server: LiveServer): Buffer {
  const upgrade = { upgrade: 'websocket', connection: 'Upgrade', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', 'sec-websocket-version': '13', origin: server.origin };
  switch (rng.int(6)) {
    case 0:
      return Buffer.from(request(server, 'GET', `/${rng.pick(['%E0%A4%A', '%', '%zz', 'a/%ff%'])}`));
    case 1:
      return Buffer.from(request(server, 'GET', rng.pick(['http://a:b/', 'http://[::1/', 'http://%%/'])));
    case 2:
      return Buffer.from(request(server, 'GET', rng.pick(['http://a:b/api/ws', '/api/ws/%E0%A4%A', `/api/ws?token=${'0'.repeat(48)}`]), upgrade));
    case 3:
      return Buffer.from(request(server, 'GET', `/?token=${server.token}`, { host: 'evil.example' }));
    case 4:
      return Buffer.from(request(server, 'GET', `/api/media/${rng.pick(['%zz', '..', 'x'])}/${rng.pick(['-1', '1e9', 'x'])}/output?token=${server.token}&download=1`));
    default:
      return Buffer.concat([rng.bytes(1 + rng.int(40)), Buffer.from('\r\n\r\n')]);
  }
}

/** Sends `count` malformed requests, `parallel` at a time; resolves with how many got no answer. */
export async function burst(server: LiveServer, rng: FuzzRng, count: number, parallel = 32): Promise<{ sent: number; unanswered: number }> {
  const cases = Array.from({ length: count }, () => malformedRequest(rng, server));
  let sent = 0;
  let unanswered = 0;
  const worker = async (): Promise<void> => {
    while (sent < count && server.alive()) {
      const answer = await server.raw(cases[sent++] as Buffer, { timeoutMs: 5000 });
      if (answer.status === 0 && answer.timedOut) unanswered++;
    }
  };
  await Promise.all(Array.from({ length: parallel }, () => worker()));
  return { sent, unanswered };
}
