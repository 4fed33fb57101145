import { describe, expect, it } from 'vitest';
import {
  ConfigurationError,
  ConnectionError,
  ElastiqError,
  ErrorCodes,
  ResponseError,
  TimeoutError,
} from '../../../src/core/errors.js';

const meta = {
  requestId: 1,
  name: 'elastiq',
  node: 'http://127.0.0.1:9200/',
  attempts: 1,
  aborted: false,
};

describe('errors', () => {
  it('gives every error a stable code and keeps the cause', () => {
    const cause = new Error('socket hang up');
    const error = new ConnectionError('could not connect', { cause });
    expect(error.code).toBe(ErrorCodes.connection);
    expect(error.cause).toBe(cause);
    expect(error).toBeInstanceOf(ElastiqError);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).not.toBeInstanceOf(TimeoutError);
    expect(error.name).toBe('ConnectionError');
  });

  it('recognises errors from another copy of the package through the brand', () => {
    const foreign = Object.create(Error.prototype) as Record<string | symbol, unknown>;
    Object.defineProperty(foreign, Symbol.for('elastiq.error'), {
      value: ['ResponseError', 'ElastiqError'],
    });
    expect(foreign instanceof ElastiqError).toBe(true);
    expect(foreign instanceof ResponseError).toBe(true);
    expect(foreign instanceof ConnectionError).toBe(false);
    expect({} instanceof ElastiqError).toBe(false);
  });

  it('builds a ResponseError message from type, reason, caused_by and root_cause', () => {
    const body = {
      error: {
        type: 'search_phase_execution_exception',
        reason: 'all shards failed',
        caused_by: { type: 'illegal_argument_exception', reason: 'field [x] is not aggregatable' },
        root_cause: [{ type: 'query_shard_exception', reason: 'failed to create query' }],
      },
      status: 400,
    };
    const error = new ResponseError({ body, statusCode: 400, headers: {}, meta });
    expect(error.message).toBe(
      '400 search_phase_execution_exception: all shards failed; caused by illegal_argument_exception: ' +
        'field [x] is not aggregatable; root cause query_shard_exception: failed to create query',
    );
    expect(error.statusCode).toBe(400);
    expect(error.errorType).toBe('search_phase_execution_exception');
    expect(error.code).toBe('ELASTIQ_RESPONSE');
  });

  it('summarises an HTML error page by its title', () => {
    const html =
      '<html><head><title>502 Bad Gateway</title></head><body><h1>nginx</h1></body></html>';
    const error = new ResponseError({ body: html, statusCode: 502, headers: {}, meta });
    expect(error.message).toBe('502 502 Bad Gateway');
  });

  it('redacts credentials from messages, toString and JSON', () => {
    const error = new ConnectionError(
      'connect to http://elastic:changeme@10.0.0.1:9200 failed, sent Authorization: Basic ZWxhc3RpYzpjaGFuZ2VtZQ==',
    );
    const everything = `${error.message} ${error.toString()} ${JSON.stringify(error)}`;
    expect(everything).not.toContain('changeme');
    expect(everything).not.toContain('ZWxhc3RpYzpjaGFuZ2VtZQ==');
    expect(error.message).toContain('http://***@10.0.0.1:9200');
  });

  it('names the offending option in a ConfigurationError', () => {
    const error = new ConfigurationError('bad', { option: 'maxRetries' });
    expect(error.option).toBe('maxRetries');
    expect(error.code).toBe(ErrorCodes.configuration);
  });
});
