import Docker from 'dockerode';

/** The Docker Engine this host agent drives: DOCKER_HOST when set (unix://, tcp://, with the usual
 * DOCKER_TLS_VERIFY/DOCKER_CERT_PATH), else the local socket — docker-modem reads those itself. */
export function connectEngine(): Docker {
  return new Docker();
}
