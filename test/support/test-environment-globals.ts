/** Where a test file's context notes the tables it created (read by the test environment). */
export const CREATED_TABLES = '__tablesCreatedByThisFile__';
