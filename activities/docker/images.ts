import type Docker from 'dockerode';
import { CancelledFailure } from '@temporalio/common';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { ErrorType, failure, type ImageMissingDetails } from '../../common/errors';
import { parseImageRef, pinnedRef, repoDigestFor } from '../../common/image-ref';
import { Labels } from '../../common/labels';
import type {
  BuildImageInput,
  EnsureImageInput,
  EnsureImageResult,
  ImageSummary,
  ImageView,
  ListImagesInput,
  PruneImagesResult,
  PruneInput,
  RemoveImageInput,
} from '../../common/docker-activities';
import { engineCall } from './engine-errors';
import { imageIfAny } from './inspect-if-any';
import { heartbeating } from './long-running';
import { authFor, registryCredentialsFromEnv } from './registry-auth';

const NS_TO_MS = 1e-6;

/** `credentials`: this agent's registry login (from its environment, see registry-auth.ts). */
export function createImageActivities(docker: Docker, credentials = registryCredentialsFromEnv()) {
  return {
    /** Makes sure the image is on this host: built here from `build` when given, else pulled by reference
     * (with this agent's registry credentials, if they are for the image's registry). With a pinned
     * `digest`, the image must be those bytes: a host that has other bytes under the tag, or none, pulls
     * `repository@digest` and tags it as `image`, so containers made from `image` run exactly what the
     * first host resolved. Returns the manifest digest the image has in its repository (undefined for
     * a local build). A registry that answers "not found", refuses the credentials or cannot be reached
     * fails with ImageMissing carrying the registry's answer (non-retryable: nothing was changed yet,
     * and the answer is the person's to act on). Twice: the second run finds it present and builds or
     * pulls nothing. */
    async ensureImage({ image, build, digest: pin }: EnsureImageInput): Promise<EnsureImageResult> {
      const present = await imageIfAny(docker, image);
      const presentDigest = present && repoDigestFor(image, present.RepoDigests ?? []);
      if (present && (!pin || presentDigest === pin))
        return {
          image,
          id: present.Id,
          pulled: false,
          ...(presentDigest ? { digest: presentDigest } : {}),
          ...(build ? { built: false } : {}),
        };
      if (build && !pin) {
        await buildImage(docker, image, build);
        const built = await engineCall(`inspect image ${image}`, () => docker.getImage(image).inspect());
        return { image, id: built!.Id, pulled: false, built: true };
      }
      const from = pin ? pinnedRef(image, pin) : image;
      await pullImage(docker, from, authFor(image, credentials));
      if (pin) {
        const { repository, tag } = parseImageRef(image);
        // Pulled by digest, the image has no tag yet: `image` names it from now on on this host.
        if (tag)
          await engineCall(`tag ${from} as ${image}`, () => docker.getImage(from).tag({ repo: repository, tag }));
      }
      const pulled = (await engineCall(`inspect image ${image}`, () => docker.getImage(image).inspect()))!;
      return { image, id: pulled.Id, pulled: true, digest: pin ?? repoDigestFor(image, pulled.RepoDigests ?? []) };
    },

    /** What a workflow needs to know about an image (user, health check, ports, labels). Read-only;
     * ImageMissing when it is not on the host. */
    async inspectImage({ image }: { image: string }): Promise<ImageView> {
      const info = await imageIfAny(docker, image);
      if (!info) throw failure(ErrorType.ImageMissing, `image ${image} is not on this host`);
      const c = info.Config;
      const hc = (
        c as {
          Healthcheck?: { Test: string[]; Interval?: number; Timeout?: number; StartPeriod?: number; Retries?: number };
        }
      ).Healthcheck;
      return {
        id: info.Id,
        tags: info.RepoTags ?? [],
        user: c.User ?? '',
        workingDir: c.WorkingDir ?? '',
        entrypoint: (c.Entrypoint as string[] | null | undefined) ?? null,
        cmd: c.Cmd ?? null,
        healthcheck: hc && {
          test: hc.Test,
          intervalMs: hc.Interval ? hc.Interval * NS_TO_MS : undefined,
          timeoutMs: hc.Timeout ? hc.Timeout * NS_TO_MS : undefined,
          startPeriodMs: hc.StartPeriod ? hc.StartPeriod * NS_TO_MS : undefined,
          retries: hc.Retries,
        },
        exposedPorts: Object.keys(c.ExposedPorts ?? {}),
        labels: c.Labels ?? {},
        sizeBytes: info.Size,
        created: info.Created,
      };
    },

    /** Images on the host matching label filters (and dangling=true|false). Read-only. */
    async listImages({ labels = [], dangling }: ListImagesInput = {}): Promise<ImageSummary[]> {
      return listImages(docker, labels, dangling);
    },

    /** Removes an image (a tag, or by id). Twice: "no such image" is success (removed=false); an image
     * a container still uses is a Conflict unless `force`. */
    async removeImage({ image, force = false }: RemoveImageInput): Promise<{ removed: boolean }> {
      const r = await engineCall<unknown>(
        `remove image ${image}`,
        () => docker.getImage(image).remove({ force }),
        [404],
      );
      return { removed: r !== undefined };
    },

    /** Removes Dockhand's dangling (untagged) images, narrowed by label filters; `dryRun` only lists.
     * Twice: the second run finds nothing left to remove. */
    async pruneDanglingImages({ labels = [], dryRun = false }: PruneInput = {}): Promise<PruneImagesResult> {
      const images = await listImages(docker, [`${Labels.managed}=true`, ...labels], true);
      if (!dryRun) {
        // 404: gone already; 409: a container still uses it — it is not garbage, leave it.
        for (const i of images)
          await engineCall(`remove image ${i.id}`, () => docker.getImage(i.id).remove(), [404, 409]);
      }
      return { images, removed: !dryRun, reclaimedBytes: images.reduce((n, i) => n + i.sizeBytes, 0) };
    },
  };
}

const isCancellation = (e: unknown) => e instanceof CancelledFailure;

/** Pulls `ref`, heartbeating the Engine's progress; a pull that fails is ImageMissing with the
 * registry's answer as the Engine relays it ("manifest unknown", "unauthorized", "connection refused").
 * The Engine reports some failures before streaming (404 for a missing manifest) and some inside the
 * stream: both end here. */
async function pullImage(docker: Docker, ref: string, authconfig: ReturnType<typeof authFor>): Promise<void> {
  let progress: { status?: string; progress?: string } = {};
  try {
    await heartbeating(
      async (cancelled) => {
        const stream = await docker.pull(ref, { abortSignal: cancelled, ...(authconfig ? { authconfig } : {}) });
        await new Promise<void>((resolve, reject) =>
          docker.modem.followProgress(
            stream,
            (err) => (err ? reject(err) : resolve()),
            (event: { status?: string; progress?: string }) => {
              progress = { status: event.status, progress: event.progress };
            },
          ),
        );
      },
      () => progress,
    );
  } catch (e) {
    if (isCancellation(e)) throw e;
    const answer = String((e as { json?: { message?: string } }).json?.message ?? (e as Error).message).trim();
    const statusCode = (e as { statusCode?: number }).statusCode;
    throw failure(ErrorType.ImageMissing, `image ${ref} is not on this host and cannot be pulled: ${answer}`, {
      image: ref,
      answer,
      ...(statusCode ? { statusCode } : {}),
    } satisfies ImageMissingDetails);
  }
}

async function listImages(docker: Docker, labels: string[], dangling: boolean | undefined): Promise<ImageSummary[]> {
  const filters: Record<string, string[]> = {};
  if (labels.length) filters.label = labels;
  if (dangling !== undefined) filters.dangling = [String(dangling)];
  const list = (await engineCall('list images', () =>
    docker.listImages({ filters: JSON.stringify(filters) } as object),
  ))!;
  return list.map((i) => ({
    id: i.Id,
    tags: (i.RepoTags ?? []).filter((t) => t !== '<none>:<none>'),
    sizeBytes: i.Size,
    created: i.Created,
    labels: i.Labels ?? {},
  }));
}

/** Builds from a context directory on the agent, labelled as Dockhand's; heartbeats each build step. */
async function buildImage(docker: Docker, image: string, build: BuildImageInput): Promise<void> {
  if (!path.isAbsolute(build.contextDir))
    throw failure(
      ErrorType.BadSpec,
      `build.contextDir: "${build.contextDir}" must be an absolute path on the host agent`,
    );
  const dockerfile = build.dockerfile ?? 'Dockerfile';
  const src = await readdir(build.contextDir).catch((e: NodeJS.ErrnoException) => {
    throw failure(
      ErrorType.BadSpec,
      `build.contextDir: cannot read ${build.contextDir} on the host agent (${e.code ?? e})`,
    );
  });
  let step = '';
  await heartbeating(
    async (cancelled) => {
      const stream = await engineCall(`build image ${image}`, () =>
        docker.buildImage({ context: build.contextDir, src }, {
          t: image,
          dockerfile,
          buildargs: build.buildArgs,
          labels: { ...build.labels, [Labels.managed]: 'true' },
          abortSignal: cancelled,
        } as Docker.ImageBuildOptions),
      );
      await new Promise<void>((resolve, reject) =>
        docker.modem.followProgress(
          stream!,
          (err, events: Array<{ error?: string }>) => {
            const failed = err ?? events.find((e) => e.error)?.error;
            if (failed)
              reject(
                failure(
                  ErrorType.BadSpec,
                  `build image ${image} from ${build.contextDir}: ${String((failed as Error).message ?? failed).trim()}`,
                ),
              );
            else resolve();
          },
          (e: { stream?: string }) => {
            if (e.stream?.startsWith('Step ')) step = e.stream.trim();
          },
        ),
      );
    },
    () => ({ step }),
  );
}
