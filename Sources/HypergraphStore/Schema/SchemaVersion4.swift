/// Drops version 2's index of updates by account. It served the account quota, which version 3's running totals
/// answer since, and no query reads it; every append still wrote a leaf of it, one more page per update in each
/// commit, where each account's appends land apart from the others'.
let schemaVersion4 = Migration(
    version: 4,
    summary: "drop the index of updates by account, unused since the byte totals",
    script: """
        DROP INDEX IF EXISTS updates_by_account;
        """
)
