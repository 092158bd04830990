import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isLoopback, normalizeClusterAddress, securityWarnings } from '../../../src/core/jobs/cluster';

describe('cluster addresses', () => {
  it('fills in the scheme and the dashboard port, keeps explicit ones and proxy paths', () => {
    assert.equal(normalizeClusterAddress('10.0.0.5'), 'http://10.0.0.5:8265');
    assert.equal(normalizeClusterAddress('head.local:9000'), 'http://head.local:9000');
    assert.equal(normalizeClusterAddress('http://127.0.0.1:8265/'), 'http://127.0.0.1:8265');
    assert.equal(normalizeClusterAddress('http://h:80'), 'http://h'); // port 80 given: kept (URL drops the default)
    assert.equal(normalizeClusterAddress('https://ray.example.com'), 'https://ray.example.com');
    assert.equal(normalizeClusterAddress('https://proxy.example.com/ray/'), 'https://proxy.example.com/ray');
  });

  it('refuses what is not a dashboard address, saying what to give', () => {
    assert.throws(() => normalizeClusterAddress('ray://head:10001'), /Ray Client address .* http:\/\/HOST:8265/);
    assert.throws(() => normalizeClusterAddress(''), /is empty/);
    assert.throws(() => normalizeClusterAddress('ftp://h'), /must start with http/);
    assert.throws(() => normalizeClusterAddress('http://user:pw@h:8265'), /user name or password/);
  });

  it('warns about an open Jobs API anywhere but loopback, and about a token over plain http', () => {
    assert.ok(
      isLoopback('http://127.0.0.1:8265') && isLoopback('http://localhost:8265') && isLoopback('http://[::1]:8265'),
    );
    assert.ok(!isLoopback('http://10.0.0.5:8265'));
    assert.deepEqual(securityWarnings('http://127.0.0.1:8265', false), []);
    assert.match(
      securityWarnings('http://10.0.0.5:8265', false).join(),
      /No token .* anyone who can reach it can run code/,
    );
    assert.match(securityWarnings('http://10.0.0.5:8265', true).join(), /plain http/);
    assert.deepEqual(securityWarnings('https://ray.example.com', true, 'token'), []);
    assert.match(securityWarnings('https://ray.example.com', true, 'disabled').join(), /authentication turned off/);
  });
});
