/** A provisioning failure the user can fix: `message` says what went wrong, `fix` what to do about it. */
export class ProvisionError extends Error {
  constructor(
    message: string,
    readonly fix: string,
  ) {
    super(`${message}\n  → ${fix}`);
    this.name = 'ProvisionError';
  }
}
