// The throw-away PostgreSQL server lives in tests/support/postgres.ts, shared with the
// kit's tests (which may not import the integration tests' support).
export * from "../../support/postgres";
