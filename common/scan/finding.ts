import type { Severity } from './severity';

/** What a check reads; the collectors fetch only what the enabled checks need. */
export type DataSource =
  | 'inspect' // container inspect (always collected)
  | 'daemon' // docker info: AppArmor / SELinux / seccomp support
  | 'image' // image inspect and history
  | 'processes' // `docker top` (host ps; no shell in the container needed)
  | 'listeners' // /proc/<pid>/net/tcp{,6} read on the host (agent must share the host PID namespace)
  | 'changes' // `docker diff`
  | 'filesystem' // `docker export` streamed and walked (no exec, so shell-less images work)
  | 'execs' // exec inspect of the container's exec sessions
  | 'baseline' // processes recorded at the first scan
  | 'vulnerabilities'; // `trivy image` of the container's image (once per image per host)

/** A check's fixed description: its id never changes once published (reports are diffed by it). */
export interface RuleMeta {
  /** CIS-<section> for CIS Docker Benchmark v1.6.0 checks, DH-<area>-<name> for Dockhand's own. */
  id: string;
  title: string;
  severity: Severity;
  /** Why it matters (SARIF fullDescription). */
  description: string;
  remediation: string;
  needs: DataSource[];
}

/** One failed check on one container. `evidence` lists the concrete facts (never secret values). */
export interface Finding {
  ruleId: string;
  title: string;
  severity: Severity;
  evidence: string[];
  remediation: string;
  /** A known vulnerability (ruleId is its CVE): what Trivy said about it, beyond the evidence. */
  vulnerability?: { image: string; package: string; installed: string; fixed?: string; cvss?: number; url?: string };
}

/** A check that could not be evaluated, and why (data not available); never guessed. */
export interface NotApplicable {
  ruleId: string;
  reason: string;
}
