import type Docker from 'dockerode';
import type { BaselineEntry } from '../../common/scan/scan-result';

/** Data a collector could not get says why, so the checks that need it report "not applicable". */
export type Source<T> = { ok: true; value: T } | { ok: false; reason: string };
export const available = <T>(value: T): Source<T> => ({ ok: true, value });
export const unavailable = <T>(reason: string): Source<T> => ({ ok: false, reason });

export interface ProcessEntry {
  pid: number;
  user: string;
  tty: string;
  comm: string;
  args: string;
}
export interface Listener {
  proto: 'tcp' | 'tcp6';
  address: string;
  port: number;
}
export interface Change {
  path: string;
  kind: 'modified' | 'added' | 'deleted';
}
export interface ExecSession {
  id: string;
  user: string;
  privileged: boolean;
  running: boolean;
  command: string;
}

/** A file of interest found in the filesystem walk, with its first bytes for content checks. */
export interface CandidateFile {
  path: string;
  size: number;
  head: string;
}
export interface FileMode {
  path: string;
  mode: number;
  type: 'file' | 'directory' | 'symlink' | 'other';
}

export interface FilesystemFacts {
  /** Regular files with the setuid or setgid bit. */
  setuid: FileMode[];
  /** World-writable files and directories (without the sticky bit) under system paths. */
  worldWritable: FileMode[];
  /** Files whose names suggest keys or credentials (content decides). */
  candidates: CandidateFile[];
  passwd?: string;
  shadow?: string;
  /** Modes of the paths `docker diff` reports as added or modified. */
  changedModes: FileMode[];
}

export interface ImageData {
  inspect: Docker.ImageInspectInfo;
  history: Array<{ CreatedBy: string }>;
}

/** Everything the checks read about one container: raw Engine data plus what collectors derived. */
export interface ScanData {
  container: Docker.ContainerInspectInfo;
  daemon: Source<{ securityOptions: string[] }>;
  image: Source<ImageData>;
  processes: Source<ProcessEntry[]>;
  listeners: Source<Listener[]>;
  changes: Source<Change[]>;
  filesystem: Source<FilesystemFacts>;
  execs: Source<ExecSession[]>;
  /** The container's baseline; unavailable on its first scan (it is recorded then). */
  baseline: Source<BaselineEntry>;
}
