// Authentication: who is calling? Bearer tokens from a static token file
// ========================================================================
// CONCEPT   Every request is first asked "who are you?". Kubernetes has many answers (client
//           certificates, service-account tokens, OIDC); the simplest is a static token file given
//           with --token-auth-file: one CSV line per user,
//             token,user,uid,"group1,group2"
//           and a client sends `Authorization: Bearer <token>` (kubectl takes it from the user's
//           entry in its kubeconfig). A token nobody issued is refused at once with 401
//           Unauthorized - the request never reaches a handler. A request with no token at all is
//           not refused here: it becomes the user system:anonymous, and *authorization* (the next
//           step, ./authorization.ts) decides what an anonymous caller may do. Authenticated users
//           also join the group system:authenticated.
// REAL K8S  staging/src/k8s.io/apiserver/plugin/pkg/authenticator/token/tokenfile/tokenfile.go,
//           apiserver/pkg/authentication/request/bearertoken/bearertoken.go,
//           apiserver/pkg/authentication/request/anonymous/anonymous.go,
//           apiserver/pkg/endpoints/filters/authentication.go (the 401 answer)
// SHIPS     The radio room asking a caller for the day's password before it takes a message.
// EXAMPLE   tokens.csv: `3f9a...,system:node:node-1,node-1,"system:nodes"`
//           "Authorization: Bearer 3f9a..." => { name: "system:node:node-1", groups: ["system:nodes", "system:authenticated"] }
//           "Authorization: Bearer wrong"   => 401 Unauthorized
// SKIPPED   Certificates, service-account tokens, token expiry, --anonymous-auth=false. TLS: we
//           serve plain HTTP, and kubectl (client-go) sends credentials only over TLS, so the
//           launcher leaves token checking off; see it work with curl and a token file:
//             curl -H "Authorization: Bearer <token>" http://127.0.0.1:6443/api/v1/pods

import { readFileSync, statSync } from 'node:fs';
import { failure } from '../status.ts';

export interface UserInfo {
  name: string;
  uid: string;
  groups: string[];
}

export const ANONYMOUS: UserInfo = { name: 'system:anonymous', uid: '', groups: ['system:unauthenticated'] };

/** Reads a token file; a malformed line stops the apiserver with its line number, as Kubernetes does. */
export function loadTokenFile(path: string): Map<string, UserInfo> {
  const users = new Map<string, UserInfo>();
  readFileSync(path, 'utf8').split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const fields = parseCsvLine(line);
    if (fields.length < 3 || !fields[0] || !fields[1]) {
      throw new Error(`token file ${path}, line ${i + 1}: want token,user,uid[,"group1,group2"], got ${fields.length} field(s)`);
    }
    const groups = fields[3] ? fields[3].split(',').map((g) => g.trim()).filter(Boolean) : [];
    users.set(fields[0], { name: fields[1], uid: fields[2], groups: [...groups, 'system:authenticated'] });
  });
  return users;
}

/** One CSV line, with double quotes around fields that hold commas. */
function parseCsvLine(line: string): string[] {
  const out: string[] = [];
  const re = /\s*(?:"([^"]*)"|([^,]*))\s*(?:,|$)/gy;
  for (let m = re.exec(line); m && re.lastIndex <= line.length; m = re.exec(line)) {
    out.push(m[1] ?? m[2] ?? '');
    if (re.lastIndex === line.length) break;
  }
  return out;
}

/**
 * The users of a token file. Kubernetes reads the file once, at start; we read it again when a
 * token is not found and the file has changed since, so a ship that joins a running harbour
 * (whose token the launcher has just added) is known without restarting the apiserver.
 */
export class TokenFile {
  private users: Map<string, UserInfo>;
  private loadedAt: number;

  constructor(private readonly path: string) {
    this.users = loadTokenFile(path);
    this.loadedAt = statSync(path).mtimeMs;
  }

  lookup(token: string): UserInfo | undefined {
    const user = this.users.get(token);
    if (user) return user;
    const changed = statSync(this.path, { throwIfNoEntry: false })?.mtimeMs ?? this.loadedAt;
    if (changed === this.loadedAt) return undefined;
    this.loadedAt = changed;
    this.users = loadTokenFile(this.path);
    return this.users.get(token);
  }
}

/** The caller of a request, or a thrown 401 for a token nobody issued. */
export function authenticate(tokens: TokenFile, authorization: string | undefined): UserInfo {
  if (!authorization) return ANONYMOUS;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  const user = m ? tokens.lookup(m[1]) : undefined;
  if (!user) throw failure(401, 'Unauthorized', 'Unauthorized');
  return user;
}
