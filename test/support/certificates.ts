import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';

export interface Pem {
  cert: string;
  key: string;
}

export interface TestPki {
  ca: Pem;
  /** For localhost and 127.0.0.1. */
  server: Pem;
  /** A client certificate the CA signed (mTLS). */
  client: Pem;
  /** A client certificate signed by nobody the server trusts. */
  stranger: Pem;
}

function keyPair() {
  // Node generates the key (fast, native); forge only builds and signs the certificates.
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const key = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const forgeKey = forge.pki.privateKeyFromPem(key) as forge.pki.rsa.PrivateKey;
  return { key, private: forgeKey, public: forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e) };
}

function certificate(
  commonName: string,
  subjectKey: ReturnType<typeof keyPair>,
  issuer: { cert: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey } | undefined,
  extensions: object[],
): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = subjectKey.public;
  cert.serialNumber = `01${randomBytes(8).toString('hex')}`;
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 24 * 3600_000);
  cert.setSubject([{ name: 'commonName', value: commonName }]);
  cert.setIssuer(issuer ? issuer.cert.subject.attributes : [{ name: 'commonName', value: commonName }]);
  cert.setExtensions(extensions);
  cert.sign(issuer?.key ?? subjectKey.private, forge.md.sha256.create());
  return cert;
}

/** A throw-away CA with a server and a client certificate, valid for a day: for the TLS tests only. */
export function makeTestPki(): TestPki {
  const caKey = keyPair();
  const caCert = certificate('failback test CA', caKey, undefined, [
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
  ]);
  const issuer = { cert: caCert, key: caKey.private };
  const leaf = (commonName: string, by: typeof issuer | undefined, server: boolean): Pem => {
    const key = keyPair();
    const cert = certificate(commonName, key, by, [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: server, clientAuth: !server },
      ...(server
        ? [
            {
              name: 'subjectAltName',
              altNames: [
                { type: 2, value: 'localhost' },
                { type: 7, ip: '127.0.0.1' },
              ],
            },
          ]
        : []),
    ]);
    return { cert: forge.pki.certificateToPem(cert), key: key.key };
  };
  return {
    ca: { cert: forge.pki.certificateToPem(caCert), key: caKey.key },
    server: leaf('localhost', issuer, true),
    client: leaf('failback-worker', issuer, false),
    stranger: leaf('mallory', undefined, false),
  };
}
