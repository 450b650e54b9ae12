import { describe, expect, it } from 'vitest';
import { credentialKinds, hideCredentials, literalCredentials, literalCredentialWarnings } from '../../src/planning/credential-shapes.js';
import { createRedactor } from '../../src/store/redact.js';

// Credentials of a well-known shape are hidden wherever ksa writes text, not only when a variable or an input holds
// the same value: a token typed into a plan, or printed by a tool, never reaches the store, the logs or the model.

const GHP = 'ghp_' + 'Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9St0Uv1Wx2';
const FINE = 'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123456789';
const GITLAB = 'glpat-' + 'x1Y2z3A4b5C6d7E8f9G0';
const SLACK = 'xoxb-' + '1234567890-0987654321-AbCdEfGhIjKl';
const SLACK_USER = 'xoxp-' + '1234567890-0987654321-AbCdEfGhIjKl';
const AWS = 'AKIA' + 'IOSFODNN7EXAMPLE';
const OPENAI = 'sk-' + 'proj-Ab3dE5gH7jK9mN1pQ3sT5vW7';
const PEM = '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA1b2c3d4e5f6g7h8\nq9r8s7t6u5v4w3x2y1z0\n-----END RSA PRIVATE KEY-----';

describe('credentials of a well-known shape', () => {
  it('hides each in free text, whatever surrounds it', () => {
    for (const token of [GHP, FINE, GITLAB, SLACK, SLACK_USER, AWS, OPENAI]) {
      expect(hideCredentials(`git push https://x@h "${token}"; echo done`, '***'), token).toBe('git push https://x@h "***"; echo done');
      expect(createRedactor([]).text(`token=${token}`), token).toBe('token=***');
    }
  });

  it('hides a private key block, its header and footer too, and one cut off before its footer', () => {
    expect(hideCredentials(`cat > id <<EOF\n${PEM}\nEOF`, '***')).toBe('cat > id <<EOF\n***\nEOF');
    expect(hideCredentials('-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA', '***')).toBe('***');
    expect(hideCredentials('-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----', '***')).toBe('***');
  });

  it('hides the password of a URL, keeping its user and host', () => {
    expect(hideCredentials('psql postgres://app:s3cr3t-pw@db.internal:5432/prod', '***')).toBe('psql postgres://app:***@db.internal:5432/prod');
    expect(hideCredentials('redis-cli -u redis://:hunter22@cache:6379', '***')).toBe('redis-cli -u redis://:***@cache:6379');
  });

  it('leaves ordinary words, hashes, digests, UUIDs and references filled in at run time as they are', () => {
    for (const text of [
      'sk-learn-classifier-deployment-v2 risk-assessment desk-lamp ask-for-help',
      'git checkout 4b825dc642cb6eb9a060e54bf8d69288fbee4904',
      'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      'docker pull nginx@sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      'skopeo copy docker://nginx:1.25@sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 dir:x',
      'id 123e4567-e89b-12d3-a456-426614174000',
      'psql postgres://app:$DB_PASSWORD@db/prod; psql "postgres://app:${DB_PASSWORD}@db/prod"',
      'curl https://app:{{inputs.dbPassword}}@db/prod',
      'curl https://example.com/a:b https://user@host/x ghp_short AKIA12 xoxb',
      '-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkq\n-----END PUBLIC KEY-----',
      '-----BEGIN CERTIFICATE-----\nMIIBIjANBgkq\n-----END CERTIFICATE-----',
    ])
      expect(hideCredentials(text, '***'), text).toBe(text);
  });

  it('names where a plan holds one: the field, the step and what it looks like', () => {
    const plan = {
      steps: [
        { id: 'build', tool: 'shell', args: { command: 'npm run build' } },
        { id: 'push', tool: 'shell', args: { command: `git push https://${GHP}@github.com/o/r`, env: { AWS_ID: AWS } }, rollback: { tool: 'shell', args: { command: 'psql postgres://app:pw1234@db -c x' } } },
        { id: 'key', tool: 'write_file', args: { path: 'id_rsa', content: PEM } },
      ],
    };
    expect(literalCredentials(plan)).toEqual([
      { path: 'steps[1].args.command', step: 'push', kinds: ['a GitHub token'] },
      { path: 'steps[1].args.env.AWS_ID', step: 'push', kinds: ['an AWS access key id'] },
      { path: 'steps[1].rollback.args.command', step: 'push', kinds: ['a password in a URL'] },
      { path: 'steps[2].args.content', step: 'key', kinds: ['a private key'] },
    ]);
    expect(literalCredentialWarnings(plan)[0]).toMatch(/^steps\[1\]\.args\.command \(step push\) holds a GitHub token written into the plan: it is stored as \*\*\* and the step cannot be resumed from its run; pass it as a secret input/);
    expect(literalCredentials({ steps: [{ id: 'a', tool: 'shell', args: { command: 'echo sk-learn-classifier' } }] })).toEqual([]);
    expect(credentialKinds(`${OPENAI} ${GHP}`)).toEqual(['an OpenAI-style secret key', 'a GitHub token']);
  });
});
