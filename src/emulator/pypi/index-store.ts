/**
 * What the emulated index holds: projects and their files, the `pypi-` tokens it minted, and the JWT ids
 * already exchanged. Shared by the mint, upload and simple routes.
 */
import { randomBytes } from 'node:crypto';
import { normalizeProjectName } from '../names';
import type { AttestationPublisher, Provenance } from '../sigstore/attestation';

export interface StoredFile {
  readonly project: string;
  readonly version: string;
  readonly filename: string;
  readonly filetype: string;
  readonly sha256: string;
  readonly blake2_256: string;
  readonly md5: string;
  readonly requiresPython?: string;
  /** Unix seconds (the emulator's clock) when the file was accepted. */
  readonly uploadTime?: number;
  /** A wheel's METADATA, served as `<file>.metadata` (undefined for an sdist: PyPI refuses a wheel without one). */
  readonly metadata?: Buffer;
  readonly content: Buffer;
  /** PEP 740 provenance, when the upload carried attestations (served by the Integrity API). */
  readonly provenance?: Provenance;
}

export interface Project {
  /** The name as first registered (display name). */
  readonly name: string;
  readonly files: Map<string, StoredFile>;
  /** When each release was created (its first file), in Unix seconds, keyed by version: closed after 14 days. */
  readonly releases: Map<string, number>;
}

export interface MintedToken {
  /** Normalized names of the projects the token may upload to. */
  readonly projects: ReadonlySet<string>;
  /** Unix seconds. */
  readonly expiresAt: number;
  /**
   * The trusted publisher that minted it, as the identity its attestations must carry (warehouse
   * `attestation_identity`); absent for a token not minted through trusted publishing.
   */
  readonly publisher?: AttestationPublisher;
}

/** A minted token: `pypi-` and 132 random bytes in base64url (176 chars; real macaroons are ~180). */
export function newTokenValue(): string {
  return `pypi-${randomBytes(132).toString('base64url')}`;
}

export class IndexStore {
  readonly projects = new Map<string, Project>();
  readonly tokens = new Map<string, MintedToken>();
  /** `<issuer>/<jti>` -> jwt exp (PyPI keeps them until exp + 35 s). */
  private readonly usedJtis = new Map<string, number>();
  /** Every accepted file, in upload order. */
  readonly uploadLog: StoredFile[] = [];
  /**
   * Seconds an accepted file stays out of the simple index, the file route and the Integrity API (PyPI's CDN
   * serves a new release after a while; 0 like a warm cache).
   */
  visibilityDelaySeconds = 0;

  /** `now`: the emulator's clock, in Unix seconds. */
  constructor(private readonly now: () => number = () => Math.floor(Date.now() / 1000)) {}

  /** Whether the index serves `file` yet. */
  isVisible(file: StoredFile): boolean {
    return this.visibilityDelaySeconds === 0 || (file.uploadTime ?? 0) + this.visibilityDelaySeconds <= this.now();
  }

  /** The files of `project` the index serves now. */
  visibleFiles(project: Project): StoredFile[] {
    return [...project.files.values()].filter((f) => this.isVisible(f));
  }

  hasProject(name: string): boolean {
    return this.projects.has(normalizeProjectName(name));
  }

  addProject(name: string): Project {
    const key = normalizeProjectName(name);
    const existing = this.projects.get(key);
    if (existing) return existing;
    const project: Project = { name, files: new Map(), releases: new Map() };
    this.projects.set(key, project);
    return project;
  }

  isUsedJti(issuer: string, jti: string): boolean {
    return this.usedJtis.has(`${issuer}/${jti}`);
  }

  /** Mark a jti used; false when it already was (the race PyPI closes with SET NX). */
  useJti(issuer: string, jti: string, exp: number): boolean {
    const key = `${issuer}/${jti}`;
    if (this.usedJtis.has(key)) return false;
    this.usedJtis.set(key, exp);
    return true;
  }
}
