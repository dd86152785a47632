/**
 * Schema paths of the workflow inputs the CLI builds, and the flags that set them, so a value the
 * schema refuses is reported as `--bake: …` rather than `input.bakeMs: …`. Paths not listed keep
 * their schema name (they come from a service file, whose errors name file:line instead).
 */
const FLAGS: Array<[RegExp, string]> = [
  [/^input\.spec\.image$/, '--image'],
  [/^input\.spec\.env(\.[^:]*)?$/, '--env'],
  [/^input\.spec\.network$/, '--network'],
  [/^input\.spec\.ports(\.[^:]*)?$/, '--port'],
  [/^input\.spec\.healthcheck\.test(\.[^:]*)?$/, '--health-cmd'],
  [/^input\.spec\.healthcheck\.interval$/, '--health-interval'],
  [/^input\.spec\.healthcheck\.retries$/, '--health-retries'],
  [/^input\.spec\.healthcheck\.startPeriod$/, '--health-start-period'],
  [/^input\.spec\.resources\.memory$/, '--memory'],
  [/^input\.spec\.resources\.cpus$/, '--cpus'],
  [/^input\.spec\.user$/, '--user'],
  [/^input\.service$/, '<service>'],
  [/^input\.host$/, '--host'],
  [/^input\.appPort$/, '--app-port'],
  [/^input\.edge\.port$/, '--edge-port'],
  [/^input\.edge\.ports(\.[^:]*)?$/, '--edge-port'],
  [/^input\.approval\.timeoutMs$/, '--approval-timeout'],
  [/^input\.approval\.approvers(\.[^:]*)?$/, '--approver'],
  [/^input\.bakeMs$/, '--bake'],
  [/^input\.healthTimeoutMs$/, '--health-timeout'],
  [/^input\.healthTimeout$/, '--health-timeout'],
  [/^input\.smoke\.path$/, '--smoke-path'],
  [/^input\.smoke\.expectStatus$/, '--smoke-status'],
  [/^input\.oldColorDuringBake$/, '--old-color'],
  [/^input\.replicas$/, '--replicas'],
  [/^input\.parallelism$/, '--parallelism'],
  [/^input\.order$/, '--order'],
  [/^input\.delay$/, '--delay'],
  [/^input\.monitor$/, '--monitor'],
  [/^input\.maxFailureRatio$/, '--max-failure-ratio'],
  [/^input\.failureAction$/, '--failure-action'],
  [/^input\.pauseAfter\.batches$/, '--canary'],
  [/^input\.deadline$/, '--deadline'],
  [/^input\.minAge$/, '--min-age'],
  [/^input\.threshold$/, '--threshold'],
  [/^input\.labels(\.[^:]*)?$/, '--label'],
  [/^input\.hostTimeoutMs$/, '--host-timeout'],
  [/^input\.concurrency$/, '--concurrency'],
];

/** "invalid input: input.bakeMs: "5 minutes" is not a duration; input.order: …" →
 * "--bake: "5 minutes" is not a duration; --order: …" */
export function flagNames(message: string): string {
  const body = message.replace(/^invalid input: /, '');
  return body
    .split('; ')
    .map((issue) => {
      const i = issue.indexOf(': ');
      if (i < 0) return issue;
      const path = issue.slice(0, i);
      const flag = FLAGS.find(([re]) => re.test(path))?.[1];
      return flag ? `${flag}: ${issue.slice(i + 2)}` : issue;
    })
    .join('; ');
}
