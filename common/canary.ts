import { z } from 'zod';
import type { HostWindow } from './canary-pool';
import { parseDurationMs } from './spec/units';

/**
 * A canary: the new version runs beside the stable one and takes a growing share of the edge's
 * requests, step by step; the edge's own access log judges each window. These are the contracts the
 * service file, the workflow, the edge activities and the CLI share.
 */

/** ">= 99%", "> 99.5%" → the lowest success rate (non-5xx share, 0..1) a window may have. */
const successRateThreshold = z.string().transform((v, ctx) => {
  const m = /^\s*(>=|>)\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(v);
  const pct = m ? Number(m[2]) : NaN;
  if (!m || pct > 100) {
    ctx.addIssue({ code: 'custom', message: `"${v}" is not a success rate threshold (use e.g. ">= 99%")` });
    return z.NEVER;
  }
  return { min: pct / 100, inclusive: m[1] === '>=' };
});
type SuccessRateThreshold = z.output<typeof successRateThreshold>;

/** "< 500ms", "<= 1s" → the highest latency a window's percentile may have. */
const latencyThreshold = z.string().transform((v, ctx) => {
  const m = /^\s*(<=|<)\s*(\S+)\s*$/.exec(v);
  let ms = NaN;
  try {
    if (m) ms = parseDurationMs(m[2]!);
  } catch {
    /* reported below */
  }
  if (!m || !Number.isFinite(ms)) {
    ctx.addIssue({ code: 'custom', message: `"${v}" is not a latency threshold (use e.g. "< 500ms")` });
    return z.NEVER;
  }
  return { maxMs: ms, inclusive: m[1] === '<=' };
});
export type LatencyThreshold = z.output<typeof latencyThreshold>;

const duration = z.union([z.string(), z.number()]).transform((v, ctx) => {
  try {
    return parseDurationMs(v);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as Error).message });
    return z.NEVER;
  }
});

const DEFAULT_CANARY_INTERVAL_MS = 10_000;
/** The longest interval a canary may have: one window is watched by one activity, bounded by its
 * start-to-close (the `canaryWatch` profile, 15 min). */
const MAX_CANARY_INTERVAL_MS = 10 * 60_000;

/** One step: the canary's share of requests, how long it holds (judged every interval), and whether
 * a person approves before the step begins. Weight 100 is the promotion; weight 0 lets only testers
 * (X-Canary: always) reach the canary, and moves on when its pause ends (a failing window still aborts). */
const CanaryStep = z.strictObject({
  weight: z
    .number()
    .int()
    .min(0)
    .max(100)
    .describe('percent of requests the canary takes (0: only testers sending X-Canary: always; 100: promote)'),
  pause: duration.optional().describe('how long the step holds, judged every interval (default 0: one window)'),
  approval: z.boolean().optional().describe('a person approves before this step begins (default false)'),
});

/** The service file's `canary:` block (and the workflow's `canary` input: the same fields, parsed). */
export const CanarySettings = z
  .strictObject({
    steps: z
      .array(CanaryStep)
      .min(1)
      .describe('weights in increasing order, e.g. [{weight: 5, pause: 60s}, {weight: 50, pause: 60s}, {weight: 100}]'),
    interval: duration.optional().describe('how often the edge log is judged (default 10s)'),
    successRate: successRateThreshold.optional().describe('non-5xx share a window needs, e.g. ">= 99%" (default)'),
    p99: latencyThreshold.optional().describe('99th-percentile latency a window needs, e.g. "< 500ms" (default none)'),
    p50: latencyThreshold.optional().describe('median latency a window needs, e.g. "< 100ms" (default none)'),
    minRequests: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe('canary requests a window needs to be judged at all (default 10)'),
    failuresAllowed: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe('failing windows in a row tolerated; one more aborts (default 0)'),
  })
  .superRefine((c, ctx) => {
    if (c.interval !== undefined && c.interval > MAX_CANARY_INTERVAL_MS)
      ctx.addIssue({
        code: 'custom',
        path: ['interval'],
        message: `${c.interval} ms is longer than the 10 min an interval may be`,
      });
    c.steps.forEach((s, i) => {
      if (i > 0 && s.weight <= c.steps[i - 1]!.weight)
        ctx.addIssue({
          code: 'custom',
          path: ['steps', i, 'weight'],
          message: `weights must increase: ${s.weight} follows ${c.steps[i - 1]!.weight}`,
        });
      if (s.weight === 100 && i !== c.steps.length - 1)
        ctx.addIssue({
          code: 'custom',
          path: ['steps', i, 'weight'],
          message: 'weight 100 promotes: it must be the last step',
        });
    });
  });
export type CanarySettingsInput = z.input<typeof CanarySettings>;

/** The canary policy a run uses: every default filled in (what the workflow's history records). */
export interface CanaryPolicy {
  steps: Array<{ weight: number; pauseMs: number; approval: boolean }>;
  intervalMs: number;
  successRate: SuccessRateThreshold;
  p99?: LatencyThreshold;
  p50?: LatencyThreshold;
  minRequests: number;
  failuresAllowed: number;
}

/** Fills in the defaults. Pure. */
export function canaryPolicy(s: z.output<typeof CanarySettings>): CanaryPolicy {
  return {
    steps: s.steps.map((st) => ({ weight: st.weight, pauseMs: st.pause ?? 0, approval: st.approval ?? false })),
    intervalMs: s.interval ?? DEFAULT_CANARY_INTERVAL_MS,
    successRate: s.successRate ?? { min: 0.99, inclusive: true },
    ...(s.p99 ? { p99: s.p99 } : {}),
    ...(s.p50 ? { p50: s.p50 } : {}),
    minRequests: s.minRequests ?? 10,
    failuresAllowed: s.failuresAllowed ?? 0,
  };
}

/** The workflow input's `canary`: the policy, already parsed (numbers, no strings). */
export const CanaryPolicySchema = z.strictObject({
  steps: z
    .array(
      z.strictObject({ weight: z.number().int().min(0).max(100), pauseMs: z.number().min(0), approval: z.boolean() }),
    )
    .min(1),
  intervalMs: z.number().int().min(200).max(MAX_CANARY_INTERVAL_MS),
  successRate: z.strictObject({ min: z.number().min(0).max(1), inclusive: z.boolean() }),
  p99: z.strictObject({ maxMs: z.number().min(0), inclusive: z.boolean() }).optional(),
  p50: z.strictObject({ maxMs: z.number().min(0), inclusive: z.boolean() }).optional(),
  minRequests: z.number().int().min(1),
  failuresAllowed: z.number().int().min(0),
});

/** What one window of the edge log says about one version. Latencies in ms (upstream response time). */
export interface VersionFigures {
  requests: number;
  /** Answers under 500 (an upstream error the edge retried elsewhere counts against this version). */
  ok: number;
  successRate: number;
  p50Ms: number;
  p99Ms: number;
}

/** One window of the edge's access log, split by version. */
export interface CanaryWindow {
  stable: VersionFigures;
  canary: VersionFigures;
  /** Lines that named neither version (an old address, a 503 with no upstream). */
  other: number;
  /** The log offset this window ends at (the next window starts there). */
  offset: number;
  /** Whether more was written than one read takes: the rest is read by the next check. */
  truncated: boolean;
  /** The canary's figures against the policy (common/canary-analysis.ts judgeWindow). */
  verdict: CanaryVerdict;
  reasons: string[];
}

/** The thresholds a window is judged by. */
export type CanaryThresholds = Pick<CanaryPolicy, 'successRate' | 'p99' | 'p50' | 'minRequests'>;

export type CanaryVerdict = 'pass' | 'fail' | 'inconclusive';

/** One check: the window's figures, the verdict and why (in the history and the status query). */
export interface CanaryCheck {
  at: string;
  step: number;
  weight: number;
  verdict: CanaryVerdict;
  reasons: string[];
  stable: VersionFigures;
  canary: VersionFigures;
  /** A canary on several hosts: every host's own window (the figures above are pooled, see canary-pool.ts). */
  hosts?: HostWindow[];
}
