/**
 * The credentials the step holds (the runner's OIDC request token, the sigstore JWT): every line the step prints
 * passes through `redact`, so a server that echoes a request back cannot make the step print one.
 */
export class Secrets {
  private readonly values = new Set<string>();

  add(value: string): void {
    if (value.length >= 8) this.values.add(value);
  }

  redact(text: string): string {
    let out = text;
    for (const v of this.values) out = out.split(v).join('***');
    return out;
  }
}
