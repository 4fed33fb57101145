import { describe, expect, it } from 'vitest';
import { redactText } from '../../../src/core/errors.js';

describe('redactText and URL user-info', () => {
  it('redactText hides a user-info holding "@" or "/" entirely', () => {
    expect(redactText('connect to http://user:p@ss@10.0.0.1:9200 failed')).toBe(
      'connect to http://***@10.0.0.1:9200 failed',
    );
    expect(redactText('got http://elastic:URL/PASS789@127.0.0.1:9820')).not.toContain('PASS789');
    expect(redactText('see http://elastic:secret@127.0.0.1:9200/_search?q=x')).toBe(
      'see http://***@127.0.0.1:9200/_search?q=x',
    );
    expect(redactText("not 'http://u:p#ss?w@h:1' (such as http://127.0.0.1:9200)")).toBe(
      "not 'http://***@h:1' (such as http://127.0.0.1:9200)",
    );
    expect(redactText('["http://a:SECRET1@h1","http://b:SECRET2@h2"]')).toBe(
      '["http://***@h1","http://***@h2"]',
    );
  });
});
