import { ConfigurationError } from '../errors.js';

/**
 * The Elasticsearch URL of an Elastic Cloud deployment id (`name:base64(host$es_uuid$kibana_uuid)`).
 *
 * @example
 * const id = `demo:${Buffer.from('example.io:443$abc$def').toString('base64')}`;
 * cloudIdToUrl(id).href; // 'https://abc.example.io/'
 */
export function cloudIdToUrl(cloudId: string): URL {
  const colon = cloudId.indexOf(':');
  const encoded = colon === -1 ? cloudId : cloudId.slice(colon + 1);
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const [hostWithPort, esUuid] = decoded.split('$');
  if (hostWithPort === undefined || hostWithPort === '' || esUuid === undefined || esUuid === '') {
    throw new ConfigurationError('`cloud.id` is not a valid Elastic Cloud id', {
      option: 'cloud.id',
    });
  }
  const portSeparator = hostWithPort.lastIndexOf(':');
  const host = portSeparator === -1 ? hostWithPort : hostWithPort.slice(0, portSeparator);
  const hostPort = portSeparator === -1 ? '' : hostWithPort.slice(portSeparator + 1);
  // The Elasticsearch part may carry its own port (`uuid:9243`), which wins over the host's.
  const [uuid, uuidPort] = esUuid.split(':');
  const port = uuidPort ?? hostPort;
  try {
    return new URL(`https://${uuid}.${host}${port !== '' && port !== '443' ? `:${port}` : ''}`);
  } catch (err) {
    throw new ConfigurationError('`cloud.id` is not a valid Elastic Cloud id', {
      option: 'cloud.id',
      cause: err,
    });
  }
}
