import { describe, expect, it } from 'vitest';
import { Stash } from '../../../yaml/assertions.js';
import {
  InvalidSkipSection,
  parseVersionRanges,
  requiresSectionReason,
  skipSectionReason,
  versionInRanges,
} from '../../../yaml/skip-conditions.js';
import { ConditionSkip, StepRunner } from '../../../yaml/steps.js';

const server = (version: string) => async () => ({ version });
const noServer = async (): Promise<never> => {
  throw new Error('the server must not be asked');
};

describe('YAML skip version ranges', () => {
  it('parses a closed range, open ends, all and comma-separated lists', () => {
    expect(parseVersionRanges('8.0.0 - 8.9.99')).toEqual([{ from: [8, 0, 0], to: [8, 9, 99] }]);
    expect(parseVersionRanges(' - 8.1.99')).toEqual([{ from: undefined, to: [8, 1, 99] }]);
    expect(parseVersionRanges('8.2.0 - ')).toEqual([{ from: [8, 2, 0], to: undefined }]);
    expect(parseVersionRanges('all')).toEqual([{ from: undefined, to: undefined }]);
    expect(parseVersionRanges(' - 7.9.99, 8.3.0 - 8.4.99')).toEqual([
      { from: undefined, to: [7, 9, 99] },
      { from: [8, 3, 0], to: [8, 4, 99] },
    ]);
  });

  it('rejects malformed versions and ranges that end before they start', () => {
    expect(() => parseVersionRanges('8.x - 9.0.0')).toThrow(InvalidSkipSection);
    expect(() => parseVersionRanges('9.0.0 - 8.0.0')).toThrow(InvalidSkipSection);
    expect(() => parseVersionRanges('1.0.0 - 2.0.0 - 3.0.0')).toThrow(InvalidSkipSection);
  });

  it('includes both ends and ignores a snapshot suffix of the server version', () => {
    const ranges = parseVersionRanges('8.0.0 - 8.9.99');
    expect(versionInRanges('8.0.0', ranges)).toBe(true);
    expect(versionInRanges('8.9.99', ranges)).toBe(true);
    expect(versionInRanges('9.0.0', ranges)).toBe(false);
    expect(versionInRanges('7.17.0', ranges)).toBe(false);
    expect(versionInRanges('9.5.4-SNAPSHOT', parseVersionRanges('9.5.0 - '))).toBe(true);
    expect(versionInRanges('9.5.4', parseVersionRanges(' - 9.5.3'))).toBe(false);
    expect(versionInRanges('9.5.4', parseVersionRanges('all'))).toBe(true);
  });
});

describe('YAML skip and requires decisions', () => {
  it('skips a version range holding the server version, with its reason', async () => {
    const reason = await skipSectionReason(
      { version: '9.0.0 - 9.9.99', reason: 'changed in 10' },
      server('9.5.4'),
    );
    expect(reason).toBe("server 9.5.4 in skipped versions '9.0.0 - 9.9.99' (changed in 10)");
    expect(await skipSectionReason({ version: ' - 8.99.99', reason: 'old' }, server('9.5.4'))).toBe(
      undefined,
    );
  });

  it('skips for runner features it lacks and runs for those it has, without asking the server', async () => {
    expect(await skipSectionReason({ features: ['headers', 'contains'] }, noServer)).toBe(
      undefined,
    );
    expect(await skipSectionReason({ features: 'node_selector' }, noServer)).toBe(
      'needs runner features: node_selector',
    );
    expect(requiresSectionReason({ test_runner_features: ['headers'] })).toBe(undefined);
    expect(requiresSectionReason({ test_runner_features: ['arbitrary_key'] })).toBe(
      'needs runner features: arbitrary_key',
    );
  });

  it('skips awaits_fix, cluster features and os conditions, each with a reason', async () => {
    expect(await skipSectionReason({ awaits_fix: 'issue 123' }, noServer)).toBe(
      'awaits fix: issue 123',
    );
    expect(await skipSectionReason({ cluster_features: ['x'], reason: 'r' }, noServer)).toContain(
      'cluster features x',
    );
    expect(await skipSectionReason({ os: 'windows' }, noServer)).toContain('os windows');
    expect(requiresSectionReason({ cluster_features: ['a', 'b'], reason: 'r' })).toBe(
      'requires cluster features a, b (not evaluated) (r)',
    );
  });

  it('asks the node its version once through nodes.info and skips the test as a ConditionSkip', async () => {
    const calls: unknown[] = [];
    const client = {
      nodes: {
        info: async (params: unknown) => {
          calls.push(params);
          return { nodes: { abc: { version: '9.5.4' } } };
        },
      },
    };
    const runner = new StepRunner(client, new Stash(), 1000);
    await runner.run({ skip: { version: ' - 9.0.0', reason: 'old' } });
    await expect(runner.run({ skip: { version: '9.5.0 - 9.5.9', reason: 'bug' } })).rejects.toThrow(
      ConditionSkip,
    );
    await expect(
      runner.run({ requires: { cluster_features: ['f'], reason: 'new' } }),
    ).rejects.toThrow(ConditionSkip);
    expect(calls).toEqual([{ node_id: '_local' }]);
  });
});
