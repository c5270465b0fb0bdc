/** Why a call to the service failed: `down` (no service), `stale-secret` (sign in again), or the service's error code. */
export class ServiceFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number | null = null,
  ) {
    super(message);
    this.name = 'ServiceFailure';
  }
}
