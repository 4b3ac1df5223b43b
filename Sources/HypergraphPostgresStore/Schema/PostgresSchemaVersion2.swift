/// Drops version 1's index of updates by account: the account quota reads `account_update_bytes`, and no query reads
/// the index, while every append wrote a leaf of it (as SQLite's version 4 does).
let postgresSchemaVersion2 = PostgresMigration(
    version: 2,
    summary: "drop the index of updates by account, unused since the byte totals",
    script: """
        DROP INDEX IF EXISTS updates_by_account;
        """
)
