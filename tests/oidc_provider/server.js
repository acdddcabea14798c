// A real OpenID Connect provider (node-oidc-provider, an OpenID-certified
// implementation) for the sign-in tests. It listens on 127.0.0.1 only, on a
// port the system picks, and serves one provider per "tenant" under its own
// path, each with its own issuer, clients and accounts.
//
// Configuration is JSON in the OIDC_TEST_CONFIG environment variable:
//
//   {"tenants": [{
//     "path": "/tenant-a",               // where the provider is served
//     "issuer_path": "/tenant-a",        // optional: the issuer its tokens claim
//                                        //  (defaults to path; differs for an impostor)
//     "clients": [{"client_id": "...", "client_secret": "...", "redirect_uris": ["..."]}],
//     "accounts": {"alice": {"sub": "...", "email": "...", "name": "...", "tid": "..."}}
//   }]}
//
// Once listening it prints one line of JSON, {"origin": "http://127.0.0.1:PORT"},
// to standard output. Sign-in uses the provider's development interactions: a
// form where any account id from "accounts" signs in, then a consent form.
//
// It stops by itself when standard input closes (the test process went away),
// on SIGTERM, or after OIDC_TEST_MAX_SECONDS (default 300).

import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';

// oidc-provider 8.x: its newest line that supports Node.js 18 (Debian's) as well as 20 and 22.
import Provider from 'oidc-provider';

const config = JSON.parse(process.env.OIDC_TEST_CONFIG || '{"tenants": []}');
const maxSeconds = Number(process.env.OIDC_TEST_MAX_SECONDS || 300);

function signingKeys() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { keys: [{ ...privateKey.export({ format: 'jwk' }), use: 'sig', alg: 'RS256', kid: 'test-key' }] };
}

function makeProvider(origin, tenant, index) {
  const issuer = origin + (tenant.issuer_path ?? tenant.path);
  const accounts = tenant.accounts || {};
  const prefix = `_t${index}`; // tenants share a host, so their cookies need their own names
  return new Provider(issuer, {
    clients: tenant.clients.map((client) => ({
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
      ...client,
    })),
    jwks: signingKeys(),
    cookies: {
      keys: ['test-only-cookie-signing-key'],
      names: {
        session: `${prefix}_session`,
        interaction: `${prefix}_interaction`,
        resume: `${prefix}_resume`,
      },
    },
    claims: {
      openid: ['sub', 'tid'],
      email: ['email', 'email_verified'],
      profile: ['name', 'preferred_username'],
    },
    // Put the granted claims in the ID token too, as Microsoft Entra ID does.
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: true } },
    pkce: { required: () => true },
    async findAccount(ctx, id) {
      const account = accounts[id];
      if (!account) return undefined;
      return {
        accountId: id,
        async claims() {
          return { sub: id, ...account };
        },
      };
    },
  });
}

const server = createServer();
server.listen(0, '127.0.0.1', () => {
  const origin = `http://127.0.0.1:${server.address().port}`;
  const mounted = config.tenants.map((tenant, index) => ({
    path: tenant.path,
    handle: makeProvider(origin, tenant, index).callback(),
  }));
  server.on('request', (req, res) => {
    const match = mounted.find(({ path }) => req.url === path || req.url.startsWith(`${path}/`));
    if (!match) {
      res.writeHead(404).end('no tenant here');
      return;
    }
    // Mount the provider the way Express does, so it builds its URLs under the path.
    req.originalUrl = req.url;
    req.url = req.url.slice(match.path.length) || '/';
    match.handle(req, res);
  });
  process.stdout.write(`${JSON.stringify({ origin })}\n`);
});

const stop = () => {
  server.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.resume();
setTimeout(stop, maxSeconds * 1000).unref();
