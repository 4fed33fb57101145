import { X509Certificate } from 'node:crypto';
import { connect, type PeerCertificate } from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';
import { Client } from '../../../src/core/client.js';
import { ConnectionError, ErrorCodes, ResponseError } from '../../../src/core/errors.js';
import { secureNode, secureNodeMissing } from '../../support/cluster.js';

interface Authenticate {
  username: string;
  authentication_type: string;
  api_key?: { name: string };
}

const clients: Client[] = [];
function client(options: ConstructorParameters<typeof Client>[0]): Client {
  const c = new Client({ maxRetries: 0, ...options });
  clients.push(c);
  return c;
}

// The certificates the node itself presents (leaf first), read without a CA (with one, Node completes the chain).
function presentedChain(url: string): Promise<X509Certificate[]> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(
      { host: hostname, port: Number(port), rejectUnauthorized: false, servername: 'localhost' },
      () => {
        const chain: X509Certificate[] = [];
        let cert = socket.getPeerCertificate(true) as PeerCertificate & {
          issuerCertificate?: PeerCertificate;
        };
        while (
          cert?.raw !== undefined &&
          !chain.some((c) => c.fingerprint256 === new X509Certificate(cert.raw).fingerprint256)
        ) {
          chain.push(new X509Certificate(cert.raw));
          cert = cert.issuerCertificate as typeof cert;
        }
        socket.end();
        resolve(chain);
      },
    );
    socket.on('error', reject);
  });
}

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
});

describe.skipIf(secureNodeMissing !== undefined)(
  `core client on the secure node ${secureNodeMissing ?? ''}`,
  () => {
    const target = secureNode!;
    const basic = () => ({ username: target.username!, password: target.password! });
    const authenticate = (c: Client) =>
      c.transport.request<Authenticate>({ method: 'GET', path: '/_security/_authenticate' });

    it('authenticates with basic credentials over TLS verified against the CA', async () => {
      const c = client({ node: target.url, auth: basic(), tls: { ca: target.ca! } });
      await expect(authenticate(c)).resolves.toMatchObject({ username: target.username });
    });

    it('refuses the node when its CA is not trusted (verification is on by default)', async () => {
      const c = client({ node: target.url, auth: basic() });
      await expect(authenticate(c)).rejects.toThrow(ConnectionError);
    });

    it('answers 401 as a ResponseError without echoing the password', async () => {
      const c = client({
        node: target.url,
        auth: { username: 'elastic', password: 'wrong-password-xyz' },
        tls: { ca: target.ca! },
      });
      const error = (await authenticate(c).catch((e: unknown) => e)) as ResponseError;
      expect(error).toBeInstanceOf(ResponseError);
      expect(error.statusCode).toBe(401);
      expect(`${error.message} ${JSON.stringify(error)}`).not.toContain('wrong-password-xyz');
    });

    it('authenticates with an API key created through the API, as a string and as { id, api_key }', async () => {
      const admin = client({ node: target.url, auth: basic(), tls: { ca: target.ca! } });
      const key = await admin.transport.request<{ id: string; api_key: string; encoded: string }>({
        method: 'POST',
        path: '/_security/api_key',
        body: { name: 'core-client-key', expiration: '1h' },
      });
      try {
        const encoded = client({
          node: target.url,
          auth: { apiKey: key.encoded },
          tls: { ca: target.ca! },
        });
        await expect(authenticate(encoded)).resolves.toMatchObject({
          authentication_type: 'api_key',
          api_key: { name: 'core-client-key' },
        });
        const pair = client({
          node: target.url,
          auth: { apiKey: { id: key.id, api_key: key.api_key } },
          tls: { ca: target.ca! },
        });
        await expect(authenticate(pair)).resolves.toMatchObject({ authentication_type: 'api_key' });
      } finally {
        await admin.transport.request({
          method: 'DELETE',
          path: '/_security/api_key',
          body: { ids: [key.id] },
        });
      }
    });

    it('pins the CA fingerprint together with the CA, and a presented certificate without any CA', async () => {
      const caFingerprint = new X509Certificate(target.ca!).fingerprint256;
      const withCa = client({
        node: target.url,
        auth: basic(),
        tls: { ca: target.ca! },
        caFingerprint,
      });
      await expect(authenticate(withCa)).resolves.toMatchObject({ username: target.username });
      // Without a CA file the pin must match a certificate the node presents itself.
      const chain = await presentedChain(target.url);
      const presentsCa = chain.some((cert) => cert.fingerprint256 === caFingerprint);
      const pin = presentsCa ? caFingerprint : chain[0]!.fingerprint256;
      const pinned = client({ node: target.url, auth: basic(), caFingerprint: pin });
      await expect(authenticate(pinned)).resolves.toMatchObject({ username: target.username });
    });

    it('fails closed on a wrong fingerprint, even with the right CA', async () => {
      const wrong = 'AB'.repeat(32);
      for (const tls of [undefined, { ca: target.ca! }]) {
        const c = client({
          node: target.url,
          auth: basic(),
          caFingerprint: wrong,
          ...(tls === undefined ? {} : { tls }),
        });
        const error = (await authenticate(c).catch((e: unknown) => e)) as ConnectionError;
        expect(error).toBeInstanceOf(ConnectionError);
        const code =
          error.code === ErrorCodes.tlsFingerprint
            ? error.code
            : (error.cause as { code?: string } | undefined)?.code;
        expect(code).toBe(ErrorCodes.tlsFingerprint);
      }
    });
  },
);
