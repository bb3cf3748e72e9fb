// Types for throwaway-postgres.mjs, so that test/global/postgres.ts is type-checked against it.

export const INSTALL_HINT: string;

export function startThrowawayPostgres(): Promise<{ url: string; stop: () => void }>;
