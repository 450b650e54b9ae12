import { describe, expect, it } from 'vitest';
import { credentialKinds, hideCredentials, literalCredentials, literalCredentialWarnings, literalInputCredentials } from '../../src/planning/credential-shapes.js';
import { createRedactor } from '../../src/store/redact.js';

// Credentials of a well-known shape are hidden wherever ksa writes text, not only when a variable or an input holds
// the same value: a token typed into a plan, or printed by a tool, never reaches the store, the logs or the model.

const GHP = 'ghp_' + 'Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9St0Uv1Wx2';
const FINE = 'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123456789';
const GITLAB = 'glpat-' + 'x1Y2z3A4b5C6d7E8f9G0';
const SLACK = 'xoxb-' + '1234567890-0987654321-AbCdEfGhIjKl';
const SLACK_USER = 'xoxp-' + '1234567890-0987654321-AbCdEfGhIjKl';
const AWS = 'AKIA' + 'IOSFODNN7EXAMPLE';
const OPENAI = 'sk-' + 'proj-Ab3dE5gH7jK9mN1pQ3sT5vW7xY9zA1bC3dE5fG7hJ9kL1mN3pQ5_rS7tU9vW1xY3zA5';
const OPENAI_LEGACY = 'sk-' + 'T8x2Kq9LmZ4rW7yB3nV6cJ1hF5gD0sA2pE4uR8iO7tYwQmNb';
const ANTHROPIC = 'sk-' + 'ant-api03-' + 'Zq8_Wd3kLm9Rt2Yx-Vb6Nc4Hg7Jf1Ks5Pa0Qe8Ur2Iy4To6Mn3Bv7Cx9Lz1Ow5Sd2Fg4Hj6Kl8Aa';
const HEX_KEY = 'sk-' + '3f9a7c21d4e8b6054a1c9e7f2d3b8a60';
const PEM = '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA1b2c3d4e5f6g7h8\nq9r8s7t6u5v4w3x2y1z0\n-----END RSA PRIVATE KEY-----';

describe('credentials of a well-known shape', () => {
  it('hides each in free text, whatever surrounds it', () => {
    for (const token of [GHP, FINE, GITLAB, SLACK, SLACK_USER, AWS, 'ASIA' + 'Y3FMAYIWQ7ZTKN2H', OPENAI, OPENAI_LEGACY, ANTHROPIC, HEX_KEY]) {
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

  it('hides the whole password of a URL: to the last @ of its authority, with a ? or # in it, a quoted one too', () => {
    expect(hideCredentials('mysql -h mysql://root:P@ssw0rd@db:3306/app', '***')).toBe('mysql -h mysql://root:***@db:3306/app');
    expect(hideCredentials('mysql://root:P@ss@w0rd@db?ssl=true', '***')).toBe('mysql://root:***@db?ssl=true');
    expect(hideCredentials('postgres://app:pa#ss?w0rd@db/prod', '***')).toBe('postgres://app:***@db/prod');
    expect(hideCredentials(`psql 'postgres://app:"s3cr3t"@db:5432'`, '***')).toBe(`psql 'postgres://app:***@db:5432'`);
    expect(hideCredentials('a://u:p1@h;b://x:p2@z', '***')).toBe('a://u:***@h;b://x:***@z');
    // A query after a password cannot be told from more of the password: the host goes with it, not a part of the password.
    expect(hideCredentials('https://u:pw@h?to=ops@example.com', '***')).toBe('https://u:***@example.com');
  });

  it('leaves a host, its port, its query and fragment as they are: no user, no password', () => {
    for (const text of [
      'curl http://localhost:8080?email=ops@example.com',
      'curl http://localhost:8080/notify?email=ops@example.com',
      'curl http://localhost?to=a:b@c',
      'http://api:8080#frag@x',
      'http://[::1]:8080@x',
      'http://[::1]:8080?to=ops@example.com',
      'oci://reg:5000@sha1:abc',
      'https://ops@example.com:8443/x https://user@host?at=12:30&to=a@b',
    ])
      expect(hideCredentials(text, '***'), text).toBe(text);
  });

  it('takes a quoted reference for a reference, and *** for a password masked already', () => {
    for (const text of ['curl https://user:"$PW"@h', 'curl "https://user:"${PW}"@h"', "curl 'https://user:'$PW'@h'", 'curl https://user:***@h', 'curl https://user:"***"@h'])
      expect(hideCredentials(text, '***'), text).toBe(text);
    expect(credentialKinds('curl https://user:"$PW"@h https://user:***@h')).toEqual([]);
  });

  it('leaves pods, ReplicaSet hashes, model names and upper-case words that start like a key as they are', () => {
    for (const text of [
      'kubectl logs sk-api-7d9f8c6b5d-x2x4z',
      'kubectl logs sk-learn-classifier-deployment-v2-7d9f8c6b5d-x2x4z -c sk-learn-classifier-sidecar',
      'model sk-learn-2024model1 and sk-FineTuned-Model-Version2-Final',
      'region ASIAPACIFICSOUTHEAST1 id AKIA1234567890ABCDEF1234 AKIAIOSFODNN7EXAMPLEX',
    ])
      expect(hideCredentials(text, '***'), text).toBe(text);
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
    expect(credentialKinds(ANTHROPIC)).toEqual(['an Anthropic key']);
  });

  it('names an input whose default holds one as written, a private key pasted into the plan: it is stored as ***', () => {
    const plan = {
      inputs: { port: 8080, sshKey: `${PEM}\n`, deploy: { hosts: ['web-1'], auth: { token: GHP } }, sshKeyPath: '~/.ssh/id_ed25519' },
      steps: [{ id: 'copy', tool: 'shell', args: { command: 'echo copying' } }],
    };
    expect(literalInputCredentials(plan)).toEqual([
      { path: 'inputs.sshKey', input: 'sshKey', kinds: ['a private key'] },
      { path: 'inputs.deploy.auth.token', input: 'deploy', kinds: ['a GitHub token'] },
    ]);
    expect(literalCredentialWarnings(plan)).toEqual([
      'inputs.sshKey holds a private key written into the plan: it is stored as *** and must be given again to resume the run (--input sshKey=\u2026); declare the input without a default (sshKey:) and pass it with --input sshKey=\u2026',
      'inputs.deploy.auth.token (input deploy) holds a GitHub token written into the plan: it is stored as *** and must be given again to resume the run (--input deploy=\u2026); declare the input with an empty mapping as its default (deploy: {}), which keeps it a mapping, and pass it with --input deploy=\u2026',
    ]);
    // A list stays one the same way.
    expect(literalCredentialWarnings({ inputs: { keys: [`${PEM}\n`] }, steps: plan.steps })[0]).toMatch(/declare the input with an empty list as its default \(keys: \[\]\), which keeps it a list, and pass it with --input keys=\u2026$/);
    expect(literalCredentialWarnings({ steps: plan.steps })).toEqual([]);
  });

  it('warns of a URL whose password is ***, copied from what ksa showed: it is sent as it is', () => {
    const plan = { steps: [{ id: 'db', tool: 'shell', args: { command: 'psql postgres://app:***@db/prod -c "select 1"' } }] };
    expect(literalCredentials(plan)).toEqual([]);
    expect(literalCredentialWarnings(plan)).toEqual([
      'steps[0].args.command (step db) holds a URL whose password is ***, a password ksa masked, copied back: the step sends *** as the password; pass the password as a secret input (--input ghToken=\u2026, {{ inputs.ghToken }}) or an allowed variable (--allow-env GH_TOKEN, {{ env.GH_TOKEN }})',
    ]);
  });
});
