import { describe, expect, it } from 'vitest';
import { parseImageRef, pinnedRef, repoDigestFor } from '../../../common/image-ref';

const D = `sha256:${'a'.repeat(64)}`;
const E = `sha256:${'b'.repeat(64)}`;

describe('image references', () => {
  it('splits registry, repository, tag and digest as the Engine reads them', () => {
    expect(parseImageRef('10.213.100.1:5100/dockhand-fixture-app:v1')).toEqual({
      registry: '10.213.100.1:5100',
      repository: '10.213.100.1:5100/dockhand-fixture-app',
      tag: 'v1',
    });
    expect(parseImageRef('busybox')).toEqual({ registry: 'docker.io', repository: 'busybox' });
    expect(parseImageRef('library/busybox:1.36')).toEqual({
      registry: 'docker.io',
      repository: 'library/busybox',
      tag: '1.36',
    });
    expect(parseImageRef('localhost/app')).toEqual({ registry: 'localhost', repository: 'localhost/app' });
    expect(parseImageRef(`reg.example.com/team/app:v2@${D}`)).toEqual({
      registry: 'reg.example.com',
      repository: 'reg.example.com/team/app',
      tag: 'v2',
      digest: D,
    });
    // A port is not a tag.
    expect(parseImageRef('reg:5000/app')).toEqual({ registry: 'reg:5000', repository: 'reg:5000/app' });
  });

  it('refuses what is no reference, naming the field', () => {
    expect(() => parseImageRef('', 'spec.image')).toThrow('spec.image: "" is not an image reference');
    expect(() => parseImageRef('app:', 'spec.image')).toThrow('spec.image: "app:" is not an image reference');
    expect(() => parseImageRef('a b')).toThrow('image: "a b" is not an image reference');
    expect(() => parseImageRef('app@sha256:12')).toThrow('has a digest that is not sha256:<64 hex digits>');
  });

  it('pins a reference to a digest in its repository', () => {
    expect(pinnedRef('10.213.100.1:5100/app:v1', D)).toBe(`10.213.100.1:5100/app@${D}`);
    expect(pinnedRef(`app:v1@${E}`, D)).toBe(`app@${D}`);
    expect(() => pinnedRef('app:v1', 'sha256:zz')).toThrow('digest: "sha256:zz" is not sha256:<64 hex digits>');
  });

  it("finds the image's digest in its own repository only", () => {
    const digests = [`10.213.100.1:5100/other@${E}`, `10.213.100.1:5100/app@${D}`];
    expect(repoDigestFor('10.213.100.1:5100/app:v1', digests)).toBe(D);
    expect(repoDigestFor('10.213.100.1:5100/other:v9', digests)).toBe(E);
    expect(repoDigestFor('app:v1', digests)).toBeUndefined();
    expect(repoDigestFor('10.213.100.1:5100/app:v1', [])).toBeUndefined();
    // Docker Hub repositories come back short.
    expect(repoDigestFor('docker.io/library/busybox:1.36', [`busybox@${D}`])).toBe(D);
  });
});
