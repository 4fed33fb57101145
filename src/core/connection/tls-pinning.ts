import { X509Certificate } from 'node:crypto';
import { checkServerIdentity, type PeerCertificate, type TLSSocket } from 'node:tls';
import { ConfigurationError, ConnectionError, ErrorCodes } from '../errors.js';

/** Normalizes a SHA-256 fingerprint to upper-case hex pairs joined by ':' (Node's format). */
export function normalizeFingerprint(fingerprint: string): string {
  const hex = fingerprint.replace(/[:\s]/g, '').toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(hex)) {
    throw new ConfigurationError(
      '`caFingerprint` must be a SHA-256 fingerprint (64 hex digits, colons optional)',
      {
        option: 'caFingerprint',
      },
    );
  }
  return hex.match(/../g)!.join(':');
}

/**
 * Checks that the server's chain contains the pinned certificate and that every certificate from
 * the leaf up to it is signed by the next one, and that the leaf is valid for the host.
 * Returns the error to fail the connection with, or undefined when the pin holds.
 */
export function verifyPinnedChain(
  socket: TLSSocket,
  pinned: string,
  host: string,
): Error | undefined {
  const chain = peerChain(socket);
  const index = chain.findIndex((cert) => cert.fingerprint256 === pinned);
  if (index === -1) {
    return new ConnectionError('No certificate in the server chain matches caFingerprint', {
      code: ErrorCodes.tlsFingerprint,
    });
  }
  for (let i = 0; i < index; i++) {
    if (!chain[i]!.checkIssued(chain[i + 1]!) || !chain[i]!.verify(chain[i + 1]!.publicKey)) {
      return new ConnectionError('The server certificate is not signed by the pinned certificate', {
        code: ErrorCodes.tlsFingerprint,
      });
    }
  }
  const leaf = socket.getPeerCertificate(false) as PeerCertificate;
  const identityError = checkServerIdentity(host, leaf);
  if (identityError !== undefined) {
    return new ConnectionError(
      `The server certificate does not match ${host}: ${identityError.message}`,
      {
        code: ErrorCodes.tlsFingerprint,
        cause: identityError,
      },
    );
  }
  return undefined;
}

function peerChain(socket: TLSSocket): X509Certificate[] {
  const chain: X509Certificate[] = [];
  const seen = new Set<string>();
  let cert = socket.getPeerCertificate(true) as PeerCertificate & {
    issuerCertificate?: PeerCertificate;
  };
  while (cert?.raw !== undefined) {
    const x509 = new X509Certificate(cert.raw);
    if (seen.has(x509.fingerprint256)) break;
    seen.add(x509.fingerprint256);
    chain.push(x509);
    cert = cert.issuerCertificate as PeerCertificate & { issuerCertificate?: PeerCertificate };
  }
  return chain;
}
