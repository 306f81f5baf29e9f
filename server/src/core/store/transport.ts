// The download engine's transport for `s3://bucket/key` URLs: each GET (ranged when resuming) goes
// through the store's S3 client with its credentials, and answers as an HTTP response does, so the
// `.part`, resume, streamed hashes, verification and atomic rename are the engine's own.
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import type { HttpClient } from '../download/http';
import type { StoreClient } from './client';

export function storeTransport(client: StoreClient, size: number): HttpClient {
  return async (request) => {
    const url = new URL(request.url);
    const key = decodeURIComponent(url.pathname.replace(/^\//, ''));
    const range = /^bytes=(\d+)-$/.exec(request.headers?.range ?? '');
    const offset = range ? Number(range[1]) : 0;
    if (offset >= size && size > 0) {
      // Everything is in the .part already: answer as S3 would (416), so the engine verifies it.
      const empty = Readable.from([]) as unknown as IncomingMessage;
      return { status: 416, headers: { 'content-range': `bytes */${size}` }, url: request.url, body: empty, authorized: false };
    }
    const r = await client.get(key, offset, request.signal);
    return { status: r.status, headers: r.headers, url: request.url, body: r.body, authorized: false };
  };
}
