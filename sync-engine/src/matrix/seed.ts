/** The throwaway org of a scenario: its edition and features, an admin, and one user as the scenario says. */
import { OrgSeed } from '../local-org/seed';
import { PRODUCTS } from '../products/catalog';
import { Scenario } from './scenarios';

export const MATRIX_ADMIN = { username: 'admin@matrix.example', password: 'Matrix-admin-1' };
export const MATRIX_USER = { username: 'user@matrix.example', password: 'Matrix-user-1' };
export const MATRIX_PROFILE = 'Matrix User';
export const API_PERMISSION_SET = 'API_Access';
/** An ordinary connected app: not allowlisted, no product. */
export const ORDINARY_CLIENT_ID = 'ordinary-api-client';

/** The seed of a scenario's org. */
export function scenarioSeed(s: Scenario): OrgSeed {
  const apps: NonNullable<OrgSeed['connectedApps']> = PRODUCTS.filter((p) => p.kind !== 'browser').map((p) => ({
    name: p.name,
    clientId: p.defaultClientId,
    allowlisted: true,
    product: p.id,
    ...(p.callbackUrl ? { callbackUrls: [p.callbackUrl] } : {}),
  }));
  apps.push({
    name: 'Ordinary API client',
    clientId: ORDINARY_CLIENT_ID,
    allowlisted: false,
    callbackUrls: ['sfdc://success'],
  });
  return {
    organization: {
      name: `Matrix ${s.id}`,
      edition: s.org.edition,
      features: { apiEnabled: s.org.apiEnabled ?? false, customizableProfiles: s.org.customizableProfiles ?? false },
      enforceApiEnabledForAllowlistedApps: s.org.enforcement ?? true,
    },
    connectedApps: apps,
    profiles: [
      {
        name: 'System Administrator',
        license: 'Salesforce',
        permissions: { apiEnabled: true, viewSetup: true, manageUsers: true, modifyAllData: true },
      },
      { name: MATRIX_PROFILE, license: s.user.license, permissions: { apiEnabled: s.user.apiEnabled === 'profile' } },
    ],
    permissionSets: [{ name: API_PERMISSION_SET, label: 'API Access', permissions: { apiEnabled: true } }],
    users: [
      {
        ...MATRIX_ADMIN,
        firstName: 'Ada',
        lastName: 'Admin',
        email: MATRIX_ADMIN.username,
        profile: 'System Administrator',
      },
      {
        ...MATRIX_USER,
        firstName: 'Uma',
        lastName: 'User',
        email: MATRIX_USER.username,
        profile: MATRIX_PROFILE,
        ...(s.user.apiEnabled === 'permission-set' ? { permissionSets: [API_PERMISSION_SET] } : {}),
      },
    ],
  };
}
