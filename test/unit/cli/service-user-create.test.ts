import { describe, expect, it } from 'vitest';
import {
  type AccountTools,
  DEFAULT_SERVICE_USER,
  ensureServiceUser,
} from '../../../src/cli/local/service-user.js';

/** Accounts as a fake system knows them; useradd calls are recorded, never run. */
function fakeSystem(existing: Record<string, number>): AccountTools & { created: string[] } {
  const accounts = { ...existing };
  const created: string[] = [];
  return {
    created,
    ids: (name) =>
      accounts[name] === undefined ? undefined : { uid: accounts[name], gid: accounts[name] },
    createSystemUser: (name) => {
      created.push(name);
      accounts[name] = 990;
    },
  };
}

describe('the user nodes run as when elastiq local runs as root', () => {
  it('creates the default dedicated user when it is missing', () => {
    const system = fakeSystem({});
    const user = ensureServiceUser('/var/cache/elastiq', DEFAULT_SERVICE_USER, system);
    expect(system.created).toEqual([DEFAULT_SERVICE_USER]);
    expect(user).toMatchObject({ name: DEFAULT_SERVICE_USER, uid: 990 });
  });

  it('uses an existing user named by ELASTIQ_USER as it is', () => {
    const system = fakeSystem({ nobody: 65534 });
    expect(ensureServiceUser('/h', 'nobody', system)).toMatchObject({ name: 'nobody', uid: 65534 });
    expect(system.created).toEqual([]);
  });

  it('never creates an account for a mistyped ELASTIQ_USER: it fails with USER_FAILED', () => {
    const system = fakeSystem({ nobody: 65534 });
    expect(() => ensureServiceUser('/h', 'nobdy', system)).toThrow(
      expect.objectContaining({
        code: 'ELASTIQ_LOCAL_USER_FAILED',
        message: expect.stringContaining("ELASTIQ_USER names 'nobdy', which does not exist"),
      }),
    );
    expect(system.created).toEqual([]);
  });

  it('refuses root itself', () => {
    const system = fakeSystem({ root: 0 });
    expect(() => ensureServiceUser('/h', 'root', system)).toThrow(
      expect.objectContaining({ code: 'ELASTIQ_LOCAL_USER_FAILED' }),
    );
  });
});
