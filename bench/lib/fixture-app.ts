/** The fixture app's health check, patient with a loaded machine (a 2 s check times out there), as the
 * tests use (test/support/blue-green.ts, which a bench cannot import: it pulls in vitest). */
export const PATIENT_HEALTHCHECK = {
  test: ['CMD', '/bin/busybox', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:8080/health'],
  interval: '1s',
  timeout: '10s',
  retries: 5,
};
