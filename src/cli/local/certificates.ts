import { execFile } from 'node:child_process';
import { chmod, mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { LocalError } from '../errors.js';

const run = promisify(execFile);

/** Files of a locally made CA and of the certificate it signed for the node(s). */
export interface CertificateFiles {
  readonly ca: string;
  readonly caKey: string;
  readonly cert: string;
  readonly key: string;
}

export function certificateFiles(dir: string): CertificateFiles {
  return {
    ca: join(dir, 'ca.crt'),
    caKey: join(dir, 'ca.key'),
    cert: join(dir, 'node.crt'),
    key: join(dir, 'node.key'),
  };
}

async function openssl(args: readonly string[]): Promise<void> {
  try {
    await run('openssl', args);
  } catch (cause) {
    const detail = (cause as { stderr?: string }).stderr || (cause as Error).message;
    throw new LocalError(
      'ELASTIQ_LOCAL_CERTIFICATES_FAILED',
      `openssl ${args[0]} failed: ${detail.trim()}. --secure needs openssl on PATH.`,
      { cause },
    );
  }
}

/**
 * A CA and a node certificate for localhost, 127.0.0.1 and ::1, made with openssl once per
 * cluster; clients verify the node against `ca.crt`.
 */
export async function ensureCertificates(dir: string): Promise<CertificateFiles> {
  const files = certificateFiles(dir);
  if (await stat(files.cert).catch(() => undefined)) return files;
  await mkdir(dir, { recursive: true, mode: 0o755 });
  const days = '3650';
  await openssl([
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-sha256',
    '-days',
    days,
    '-keyout',
    files.caKey,
    '-out',
    files.ca,
    '-subj',
    '/CN=elastiq local CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  const csr = join(dir, 'node.csr');
  const extensions = join(dir, 'node.ext');
  await openssl([
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-sha256',
    '-keyout',
    files.key,
    '-out',
    csr,
    '-subj',
    '/CN=localhost',
  ]);
  await writeFile(
    extensions,
    'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n' +
      'extendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\n',
  );
  await openssl([
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    files.ca,
    '-CAkey',
    files.caKey,
    '-CAcreateserial',
    '-sha256',
    '-days',
    days,
    '-out',
    files.cert,
    '-extfile',
    extensions,
  ]);
  await rm(csr, { force: true });
  await rm(extensions, { force: true });
  await chmod(files.caKey, 0o600);
  await chmod(files.ca, 0o644);
  return files;
}
