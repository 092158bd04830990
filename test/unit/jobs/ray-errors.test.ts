import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { W2sError } from '../../../src/core/errors';
import { lastLine, rayHttpError, rayNetworkError, type RayOperation } from '../../../src/core/jobs/ray-errors';

// What the user reads and whether a call is retried, for each answer a Ray dashboard (or what stands in
// front of it) gives. The codes decide the retry: the log tail retries RAY_UNREACHABLE and
// RAY_UNAVAILABLE only (log-tail.ts TRANSIENT), the package check takes RAY_PACKAGE_MISSING as "upload it"
// (ray-client.ts). Bodies are the texts Ray sends, as test/fakes/ray-jobs-server.ts cites them.

const ADDRESS = 'http://head.example:8265';

/** A Python traceback as job_head.py answers it (`traceback.format_exc()`, ending in a newline). */
const traceback = (exc: string) =>
  `Traceback (most recent call last):\n  File "ray/dashboard/modules/job/job_head.py", line 1, in <module>\n${exc}\n`;

const http = (status: number, body: string, op: RayOperation = 'status', subject?: string) =>
  rayHttpError(ADDRESS, op, status, body, subject);

/** A fetch failure as undici throws it: TypeError('fetch failed') with the socket's error as cause. */
const fetchFailed = (cause: { code?: string; message: string }) =>
  Object.assign(new TypeError('fetch failed'), { cause });

const net = (e: unknown, op: RayOperation = 'list') => rayNetworkError(ADDRESS, op, e, 30_000);

describe('lastLine: the exception line of a Python traceback', () => {
  it('is the last non-empty line, trimmed, whatever the line ends (LF or CRLF)', () => {
    assert.equal(lastLine(traceback('ValueError: bad entrypoint')), 'ValueError: bad entrypoint');
    assert.equal(lastLine('Traceback\r\n  File "x"\r\n  KeyError: \'id\'  \r\n\r\n'), "KeyError: 'id'");
  });

  it('skips the caret lines Python 3.11+ prints under the failing code, and only lines made of carets', () => {
    assert.equal(lastLine('ValueError: x\n    ^^^^^^\n'), 'ValueError: x');
    assert.equal(lastLine('ValueError: x\n^\n'), 'ValueError: x');
    // text around carets is a message, not a marker
    assert.equal(lastLine('Traceback\nValueError: pattern a^^'), 'ValueError: pattern a^^');
    assert.equal(lastLine('Traceback\n^^ is not allowed here'), '^^ is not allowed here');
  });

  it('is empty for a body with no text', () => {
    assert.equal(lastLine(''), '');
    assert.equal(lastLine('\n  \n'), '');
  });

  it('cuts a line longer than 500 characters (the head wraps whole agent tracebacks into one line) and marks the cut', () => {
    const exact = `RuntimeError: ${'x'.repeat(486)}`;
    assert.equal(exact.length, 500);
    assert.equal(lastLine(exact), exact);
    const long = `${exact}TAIL`;
    assert.equal(lastLine(long), `${exact}…`);
  });
});

describe('rayHttpError: every message names the cluster and what was being done', () => {
  // each operation's words: the request where there is one, so a user can try it with curl
  const DOING: Record<RayOperation, string> = {
    version: 'GET /api/version',
    'auth-mode': 'authentication mode',
    'package-check': 'GET /api/packages/gcs/',
    'package-upload': 'PUT /api/packages/gcs/',
    submit: 'POST /api/jobs/',
    status: 'reading the job status',
    list: 'listing jobs',
    logs: 'reading the job log',
    tail: 'WebSocket …/logs/tail',
    stop: 'stopping the job',
    delete: 'deleting the job',
  };

  it('says which request failed, for every operation', () => {
    const messages = new Set<string>();
    for (const [op, words] of Object.entries(DOING)) {
      const e = http(500, traceback('Exception: boom'), op as RayOperation);
      assert.match(
        e.message,
        new RegExp(`^the Ray cluster at ${ADDRESS.replace(/\./g, '\\.')} failed \\(500\\) while `),
      );
      assert.ok(e.message.includes(words), `${op}: ${e.message}`);
      messages.add(e.message);
    }
    assert.equal(messages.size, Object.keys(DOING).length, 'two operations read alike');
  });
});

describe('rayHttpError: token answers (401 missing, 403 wrong) are RAY_AUTH with how to set the token', () => {
  it('401 quotes the middleware text, or says Unauthorized when there is none', () => {
    const e = http(401, 'Unauthorized: Missing authentication token');
    assert.equal(e.code, 'RAY_AUTH');
    assert.match(
      e.message,
      /requires a token \(401 Unauthorized: Missing authentication token\) while reading the job status/,
    );
    assert.match(e.message, /W2S_CLUSTER_TOKEN/);
    assert.match(http(401, '').message, /\(401 Unauthorized\)/);
  });

  it('403 quotes the middleware text, or says Forbidden when there is none', () => {
    const e = http(403, 'Forbidden: Invalid authentication token');
    assert.equal(e.code, 'RAY_AUTH');
    assert.match(e.message, /refused the token \(403 Forbidden: Invalid authentication token\)/);
    assert.match(e.message, /ray get-auth-token/);
    assert.match(http(403, '\n').message, /\(403 Forbidden\)/);
  });
});

describe('rayHttpError: 404 means a different thing per request', () => {
  it('on GET /api/version the address is not a Ray dashboard (RAY_NOT_RAY), whatever the body', () => {
    const e = http(404, '404: Not Found', 'version');
    assert.equal(e.code, 'RAY_NOT_RAY');
    assert.match(
      e.message,
      /^http:\/\/head\.example:8265 answered 404 to GET \/api\/version: it is not a Ray dashboard/,
    );
    assert.match(e.message, /port 8265/);
  });

  it('on the package check the bundle is missing (RAY_PACKAGE_MISSING: upload it), with the body trimmed', () => {
    const e = http(404, 'Package gcs://_ray_pkg_ab12.zip does not exist\n', 'package-check');
    assert.equal(e.code, 'RAY_PACKAGE_MISSING');
    assert.equal(e.message, 'package not found: Package gcs://_ray_pkg_ab12.zip does not exist');
  });

  it('on a job the job is gone (RAY_NOT_FOUND), named when known, with why Ray forgets jobs', () => {
    const e = http(404, 'Job raysubmit_7 does not exist', 'stop', 'raysubmit_7');
    assert.equal(e.code, 'RAY_NOT_FOUND');
    assert.match(
      e.message,
      /^Job raysubmit_7 does not exist on the Ray cluster at http:\/\/head\.example:8265 \(404 while stopping the job\)/,
    );
    assert.match(e.message, /the cluster may have restarted, or the job was deleted/);
    assert.match(http(404, 'Job x does not exist').message, /^The job does not exist on /);
  });
});

describe('rayHttpError: a request body too large is RAY_TOO_LARGE with where large data goes', () => {
  // aiohttp's HTTPRequestEntityTooLarge text (client_max_size, 100 MiB), as the fake server words it
  const AIOHTTP = 'Maximum request body size 104857600 exceeded, actual body size 120000000';

  it('a 413 from aiohttp or a proxy, with no aiohttp text, shows the status alone', () => {
    const e = http(413, '<html><body>413 Request Entity Too Large</body></html>', 'package-upload');
    assert.equal(e.code, 'RAY_TOO_LARGE');
    assert.match(e.message, /refused the upload as too large \(413\) while uploading the job bundle/);
    assert.match(e.message, /at most 100 MiB per request/);
    assert.match(e.message, /--cluster-dataset PATH/);
  });

  it('the aiohttp text inside a 500 traceback (upload_package reads the body in its try) is the same refusal, quoted', () => {
    const e = http(500, traceback(`aiohttp.web_exceptions.HTTPRequestEntityTooLarge: ${AIOHTTP}`), 'package-upload');
    assert.equal(e.code, 'RAY_TOO_LARGE');
    assert.match(
      e.message,
      new RegExp(`too large \\(500: aiohttp\\.web_exceptions\\.HTTPRequestEntityTooLarge: ${AIOHTTP}\\)`),
    );
  });

  it('the package size check of packaging.py (500 ValueError) refuses the bundle', () => {
    const e = http(
      500,
      traceback('ValueError: Package size (120.00MiB) exceeds the maximum size of 100.00MiB.'),
      'package-upload',
    );
    assert.equal(e.code, 'RAY_TOO_LARGE');
    assert.match(e.message, /refused the job bundle as too large \(ValueError: Package size \(120\.00MiB\) exceeds/);
  });

  it('a size limit worded "size … exceeds" without "the maximum size" is the same refusal', () => {
    const e = http(500, traceback('RuntimeError: Total size 700 MiB of the working_dir exceeds 512 MiB'), 'submit');
    assert.equal(e.code, 'RAY_TOO_LARGE');
  });
});

describe('rayHttpError: Ray\'s browser guard (405 "… for browser traffic.") is RAY_BROWSER_GUARD', () => {
  it('both wordings (Ray < 2.53 and >= 2.53) name the headers a proxy adds', () => {
    for (const body of ['Method Not Allowed for browser traffic.', "'POST' method not allowed for browser traffic."]) {
      const e = http(405, body, 'submit');
      assert.equal(e.code, 'RAY_BROWSER_GUARD', body);
      assert.match(
        e.message,
        new RegExp(`as browser traffic \\(405 ${body.replace(/[.()]/g, '\\$&')}\\) while submitting`),
      );
      assert.match(e.message, /User-Agent "Mozilla…"/);
    }
  });

  it('a 405 without that text, and that text with another status, are plain server errors', () => {
    const plain = http(405, '405: Method Not Allowed', 'submit');
    assert.equal(plain.code, 'RAY_SERVER');
    assert.match(
      plain.message,
      /failed \(405\) while submitting the job \(POST \/api\/jobs\/\): 405: Method Not Allowed\.$/,
    );
    assert.equal(http(500, traceback('Exception: the browser traffic counter broke')).code, 'RAY_SERVER');
  });
});

describe('rayHttpError: 502, 503, 504 (a proxy or a restarting head) are RAY_UNAVAILABLE, which the log tail retries', () => {
  it('each says try again, with the reason or "no details"', () => {
    for (const status of [502, 503, 504]) {
      const e = http(status, '', 'tail');
      assert.equal(e.code, 'RAY_UNAVAILABLE');
      assert.match(
        e.message,
        new RegExp(`temporarily unavailable \\(${status}\\) while following the job log .*: no details\\. Try again`),
      );
    }
    assert.match(
      http(503, '<html><body><h1>503 Service Unavailable</h1></body></html>').message,
      /: 503 Service Unavailable\. Try again/,
    );
  });
});

describe("rayHttpError: job_manager's refusals inside a 400/500 traceback", () => {
  it('a duplicate submission id is RAY_DUPLICATE', () => {
    const e = http(
      500,
      traceback('ValueError: Job with submission_id w2s-1 already exists. Please use a different submission_id.'),
      'submit',
    );
    assert.equal(e.code, 'RAY_DUPLICATE');
    assert.match(e.message, /Choose another job name/);
  });

  it('deleting a running job is RAY_NOT_TERMINAL, naming the job when known', () => {
    const body = traceback(
      "RuntimeError: Attempted to delete job 'raysubmit_7', but it is in a non-terminal state RUNNING.",
    );
    const named = http(500, body, 'delete', 'raysubmit_7');
    assert.equal(named.code, 'RAY_NOT_TERMINAL');
    assert.match(named.message, /cannot delete raysubmit_7 while it runs \(RuntimeError: Attempted/);
    assert.match(http(500, body, 'delete').message, /cannot delete the job while it runs/);
  });
});

describe('rayHttpError: anything else', () => {
  it('a 400 is RAY_BAD_REQUEST with the exception line, or "no details"', () => {
    const e = http(
      400,
      traceback("TypeError: __init__() got an unexpected keyword argument 'entrypoint_num_gpus'"),
      'submit',
    );
    assert.equal(e.code, 'RAY_BAD_REQUEST');
    assert.match(
      e.message,
      /rejected the request \(400\) while submitting the job \(POST \/api\/jobs\/\): TypeError: __init__\(\)/,
    );
    assert.match(http(400, '').message, /rejected the request \(400\) while reading the job status: no details\.$/);
  });

  it('another status is RAY_SERVER with the exception line, or "no details"', () => {
    const e = http(500, traceback('KeyError: driver_info'));
    assert.equal(e.code, 'RAY_SERVER');
    assert.match(e.message, /failed \(500\) while reading the job status: KeyError: driver_info\.$/);
    assert.match(http(500, '').message, /failed \(500\) while reading the job status: no details\.$/);
  });
});

describe('rayNetworkError: a request that got no HTTP answer', () => {
  it('a timeout (AbortSignal.timeout, undici connect/headers timeouts, ETIMEDOUT) says how long it waited', () => {
    const errors = [
      new DOMException('The operation was aborted due to timeout', 'TimeoutError'),
      fetchFailed({ code: 'UND_ERR_CONNECT_TIMEOUT', message: 'Connect Timeout Error' }),
      fetchFailed({ code: 'ETIMEDOUT', message: 'connect ETIMEDOUT 10.0.0.9:8265' }),
      fetchFailed({ code: 'UND_ERR_HEADERS_TIMEOUT', message: 'Headers Timeout Error' }),
    ];
    for (const err of errors) {
      const e = net(err);
      assert.equal(e.code, 'RAY_UNREACHABLE');
      assert.match(
        e.message,
        /^The Ray cluster at http:\/\/head\.example:8265 did not answer within 30 s while listing jobs\./,
        String(err),
      );
    }
    // the code may sit on the error itself (node:http) rather than on a cause (fetch)
    assert.match(
      net(Object.assign(new Error('connect ETIMEDOUT'), { code: 'ETIMEDOUT' })).message,
      /did not answer within 30 s/,
    );
  });

  it('a refused connection asks whether the dashboard runs', () => {
    const e = net(fetchFailed({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:8265' }));
    assert.equal(e.code, 'RAY_UNREACHABLE');
    assert.match(e.message, /connection refused while listing jobs\. Is its dashboard running/);
  });

  it('a host name that does not resolve (ENOTFOUND, or EAI_AGAIN when DNS is down) says so', () => {
    for (const code of ['ENOTFOUND', 'EAI_AGAIN']) {
      const e = net(fetchFailed({ code, message: `getaddrinfo ${code} head.example` }));
      assert.equal(e.code, 'RAY_UNREACHABLE');
      assert.match(e.message, new RegExp(`the host name does not resolve \\(${code}\\)\\. Check the address\\.$`));
    }
  });

  it('an untrusted certificate (by code, or by a message naming the certificate) is RAY_TLS, quoting the code if there is one', () => {
    const byCode = net(
      fetchFailed({ code: 'SELF_SIGNED_CERT_IN_CHAIN', message: 'self-signed certificate in certificate chain' }),
    );
    assert.equal(byCode.code, 'RAY_TLS');
    assert.match(byCode.message, /is not trusted \(SELF_SIGNED_CERT_IN_CHAIN\)\. Give Node your CA/);
    const byText = net(new Error('unable to get local issuer certificate'));
    assert.equal(byText.code, 'RAY_TLS');
    assert.match(byText.message, /is not trusted \(unable to get local issuer certificate\)/);
  });

  it('https to a plain-HTTP dashboard (EPROTO, or OpenSSL\'s "wrong version number" / "packet length too long") says to use http://', () => {
    const errors = [
      fetchFailed({ code: 'EPROTO', message: 'write EPROTO' }),
      fetchFailed({
        code: 'ERR_SSL_WRONG_VERSION_NUMBER',
        message: 'error:0A00010B:SSL routines::wrong version number',
      }),
      fetchFailed({
        code: 'ERR_SSL_PACKET_LENGTH_TOO_LONG',
        message: 'error:0A0000C6:SSL routines::packet length too long',
      }),
    ];
    for (const err of errors) {
      const e = net(err);
      assert.equal(e.code, 'RAY_TLS', err.cause.code);
      assert.match(
        e.message,
        new RegExp(`^http://head\\.example:8265 does not speak HTTPS \\(${err.cause.message}\\): use http://`),
      );
    }
  });

  it('a port fetch blocks (undici\'s "bad port") says to serve the dashboard on another port', () => {
    const e = net(fetchFailed({ message: 'bad port' }));
    assert.equal(e.code, 'RAY_UNREACHABLE');
    assert.match(
      e.message,
      /refuses the port of http:\/\/head\.example:8265 \(bad port: browsers and fetch block it\)/,
    );
  });

  it("node:http's parser errors (HPE_*: not HTTP) are RAY_PROTOCOL", () => {
    const e = net(Object.assign(new Error('Parse Error: Expected HTTP/'), { code: 'HPE_INVALID_CONSTANT' }), 'tail');
    assert.equal(e.code, 'RAY_PROTOCOL');
    assert.match(
      e.message,
      /did not answer like an HTTP server while following the job log .* \(HPE_INVALID_CONSTANT\)/,
    );
  });

  it('a connection cut mid-request (ECONNRESET, UND_ERR_SOCKET) says try again', () => {
    for (const code of ['ECONNRESET', 'UND_ERR_SOCKET']) {
      const e = net(fetchFailed({ code, message: 'other side closed' }));
      assert.equal(e.code, 'RAY_UNREACHABLE');
      assert.match(e.message, new RegExp(`was cut while listing jobs \\(${code}\\)\\. Try again`));
    }
  });

  it('anything else quotes the socket error (the cause, not "fetch failed") and its code when there is one', () => {
    const withCode = net(fetchFailed({ code: 'EHOSTUNREACH', message: 'connect EHOSTUNREACH 10.0.0.9:8265' }));
    assert.equal(withCode.code, 'RAY_UNREACHABLE');
    assert.equal(
      withCode.message,
      'Cannot reach the Ray cluster at http://head.example:8265 while listing jobs: connect EHOSTUNREACH 10.0.0.9:8265 (EHOSTUNREACH).',
    );
    assert.equal(
      net(new Error('socket hang up')).message,
      'Cannot reach the Ray cluster at http://head.example:8265 while listing jobs: socket hang up.',
    );
    assert.equal(
      net('boom').message,
      'Cannot reach the Ray cluster at http://head.example:8265 while listing jobs: boom.',
    );
    assert.ok(net(new Error('x')) instanceof W2sError);
  });
});
