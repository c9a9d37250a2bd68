import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { request } from '../support/http.js';
import { sendRawRequest } from '../support/raw-http.js';

interface Echo {
  method: string;
  url: string;
  rawHeaders: string[];
  body: string;
}

// Echoes what arrived, so each test can see the exact bytes the helpers sent.
function startEchoServer(): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.url === '/slow') return; // never answers
      if (req.url === '/chunked') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"parts":');
        res.end('["é",2]}');
        return;
      }
      if (req.url === '/text') {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('{"looks":"like json"}');
        return;
      }
      const echo: Echo = { method: req.method ?? '', url: req.url ?? '', rawHeaders: req.rawHeaders, body: Buffer.concat(chunks).toString('latin1') };
      res.setHeader('set-cookie', ['a=1', 'b=2']);
      res.writeHead(201, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(echo));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('test HTTP helpers', () => {
  let server: http.Server;
  let baseUrl: string;
  before(async () => {
    server = await startEchoServer();
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('request sends repeated headers in order and JSON-encodes an object body', async () => {
    const response = await request<Echo>(baseUrl, {
      method: 'POST',
      path: '/auth-token/?x=1',
      headers: [['Authorization', 'Bearer a'], ['Authorization', 'Bearer b']],
      body: { username: 'zoë 😀' },
    });
    assert.equal(response.status, 201);
    assert.deepEqual(response.headers['set-cookie'], ['a=1', 'b=2']);
    const echo = response.json;
    assert.ok(echo);
    assert.equal(echo.method, 'POST');
    assert.equal(echo.url, '/auth-token/?x=1');
    const names = echo.rawHeaders.filter((_, index) => index % 2 === 0);
    assert.deepEqual(names, ['Host', 'Authorization', 'Authorization', 'Content-Type', 'Content-Length', 'Connection']);
    assert.deepEqual(echo.rawHeaders.slice(2, 6), ['Authorization', 'Bearer a', 'Authorization', 'Bearer b']);
    assert.equal(Buffer.from(echo.body, 'latin1').toString('utf8'), JSON.stringify({ username: 'zoë 😀' }));
  });

  it('request sends a string or Buffer body raw with the given content type', async () => {
    const response = await request<Echo>(baseUrl, { method: 'POST', path: '/', body: Buffer.from([0x00, 0xff, 0x7b]), contentType: 'application/octet-stream' });
    assert.equal(response.json?.body, '\u0000\u00ff{');
    assert.ok(response.json?.rawHeaders.includes('application/octet-stream'));
    const form = await request<Echo>(baseUrl, { method: 'POST', path: '/', headers: { 'content-type': 'text/plain' }, body: 'a=1', contentType: 'ignored/type' });
    assert.equal(form.json?.body, 'a=1');
    assert.ok(form.json?.rawHeaders.includes('text/plain'));
    assert.ok(!form.json?.rawHeaders.includes('ignored/type'));
  });

  it('request leaves json undefined when the response is not JSON', async () => {
    const response = await request(baseUrl, { method: 'GET', path: '/text' });
    assert.equal(response.status, 200);
    assert.equal(response.text, '{"looks":"like json"}');
    assert.equal(response.json, undefined);
  });

  it('request fails with a clear error when no response comes in time', async () => {
    await assert.rejects(request(baseUrl, { method: 'GET', path: '/slow', timeoutMs: 200 }), /GET http:\/\/127\.0\.0\.1:\d+\/slow got no complete response within 200 ms/);
  });

  it('sendRawRequest sends bytes Node refuses, such as NUL in a header', async () => {
    const host = new URL(baseUrl).host;
    const response = await sendRawRequest(baseUrl, `GET /raw HTTP/1.1\r\nHost: ${host}\r\nX-Odd: a\u0000b\r\nConnection: close\r\n\r\n`);
    // Node's own server refuses a NUL in a header value; the point is that the bytes left the client.
    assert.equal(response.status, 400);
    const ok = await sendRawRequest(baseUrl, `GET /raw HTTP/1.1\r\nHost: ${host}\r\nX-Odd: caf\u00e9\r\nConnection: close\r\n\r\n`);
    assert.equal(ok.status, 201);
    assert.deepEqual(ok.headers['set-cookie'], ['a=1', 'b=2']);
    assert.equal((ok.json as Echo | undefined)?.rawHeaders[3], 'caf\u00e9');
  });

  it('sendRawRequest decodes a chunked response', async () => {
    const response = await sendRawRequest(baseUrl, `GET /chunked HTTP/1.1\r\nHost: ${new URL(baseUrl).host}\r\n\r\n`);
    assert.equal(response.headers['transfer-encoding'], 'chunked');
    assert.deepEqual(response.json, { parts: ['é', 2] });
  });
});
