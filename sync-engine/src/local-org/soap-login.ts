import { FastifyInstance } from 'fastify';
import { OrgContext } from './context';

/** Placeholder: routes are being written. */
export async function registerSoapLogin(app: FastifyInstance, ctx: OrgContext): Promise<void> {
  void app;
  void ctx;
}
