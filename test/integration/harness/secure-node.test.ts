import { describe, expect, it } from 'vitest';
import { basicAuthHeader, secureNode, secureNodeMissing } from '../../support/cluster.js';
import { plainRequest } from './http.js';

describe.skipIf(secureNodeMissing !== undefined)(
  `the secure test node ${secureNodeMissing ?? ''}`,
  () => {
    it('serves HTTPS only', () => {
      expect(secureNode!.url.startsWith('https://')).toBe(true);
      expect(secureNode!.ca).toContain('BEGIN CERTIFICATE');
    });

    it('answers 401 without credentials', async () => {
      const response = await plainRequest(`${secureNode!.url}/_cluster/health`, {
        ca: secureNode!.ca!,
      });
      expect(response.status).toBe(401);
      expect(String(response.headers['www-authenticate'])).toContain('Basic');
    });

    it('answers 401 to a wrong password', async () => {
      const response = await plainRequest(`${secureNode!.url}/_cluster/health`, {
        ca: secureNode!.ca!,
        headers: basicAuthHeader({ ...secureNode!, password: 'not-the-password' }),
      });
      expect(response.status).toBe(401);
    });

    it('answers 200 with the elastic user over TLS verified against the local CA', async () => {
      const response = await plainRequest(`${secureNode!.url}/_security/_authenticate`, {
        ca: secureNode!.ca!,
        headers: basicAuthHeader(secureNode!),
      });
      expect(response.status).toBe(200);
      expect(response.headers['x-elastic-product']).toBe('Elasticsearch');
      expect(response.body.username).toBe('elastic');
    });

    it('fails the TLS handshake when the local CA is not trusted', async () => {
      await expect(
        plainRequest(`${secureNode!.url}/_cluster/health`, {
          headers: basicAuthHeader(secureNode!),
        }),
      ).rejects.toThrow(/certificate/i);
    });

    it('creates an API key that then authenticates requests on its own', async () => {
      const created = await plainRequest(`${secureNode!.url}/_security/api_key`, {
        method: 'POST',
        ca: secureNode!.ca!,
        headers: basicAuthHeader(secureNode!),
        body: { name: 'harness-api-key', expiration: '1h' },
      });
      expect(created.status).toBe(200);
      expect(typeof created.body.encoded).toBe('string');

      const viaKey = await plainRequest(`${secureNode!.url}/_security/_authenticate`, {
        ca: secureNode!.ca!,
        headers: { authorization: `ApiKey ${created.body.encoded}` },
      });
      expect(viaKey.status).toBe(200);
      expect(viaKey.body.authentication_type).toBe('api_key');
      expect(viaKey.body.api_key.name).toBe('harness-api-key');

      const invalidated = await plainRequest(`${secureNode!.url}/_security/api_key`, {
        method: 'DELETE',
        ca: secureNode!.ca!,
        headers: basicAuthHeader(secureNode!),
        body: { ids: [created.body.id] },
      });
      expect(invalidated.body.invalidated_api_keys).toEqual([created.body.id]);
    });
  },
);
