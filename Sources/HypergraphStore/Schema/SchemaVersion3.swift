/// Running totals of update bytes per space and per account, for the quotas: `storedUpdateBytes` is read before every
/// update, and summing the `updates` rows made it cost one row per stored update of the space and of the account.
/// Triggers keep the totals exact whatever inserts or deletes update rows, in the same transaction; the migration
/// fills them from the updates already stored.
let schemaVersion3 = Migration(
    version: 3,
    summary: "keep running totals of update bytes per space and per account",
    script: """
        CREATE TABLE space_update_bytes (
            space_id TEXT PRIMARY KEY,
            bytes    INTEGER NOT NULL
        ) STRICT, WITHOUT ROWID;
        CREATE TABLE account_update_bytes (
            account_address TEXT PRIMARY KEY,
            bytes           INTEGER NOT NULL
        ) STRICT, WITHOUT ROWID;
        INSERT INTO space_update_bytes (space_id, bytes)
            SELECT space_id, sum(length(content)) FROM updates GROUP BY space_id;
        INSERT INTO account_update_bytes (account_address, bytes)
            SELECT account_address, sum(length(content)) FROM updates GROUP BY account_address;
        CREATE TRIGGER updates_add_bytes AFTER INSERT ON updates BEGIN
            INSERT INTO space_update_bytes (space_id, bytes) VALUES (NEW.space_id, length(NEW.content))
                ON CONFLICT (space_id) DO UPDATE SET bytes = bytes + excluded.bytes;
            INSERT INTO account_update_bytes (account_address, bytes) VALUES (NEW.account_address, length(NEW.content))
                ON CONFLICT (account_address) DO UPDATE SET bytes = bytes + excluded.bytes;
        END;
        CREATE TRIGGER updates_remove_bytes AFTER DELETE ON updates BEGIN
            UPDATE space_update_bytes SET bytes = bytes - length(OLD.content) WHERE space_id = OLD.space_id;
            UPDATE account_update_bytes SET bytes = bytes - length(OLD.content)
                WHERE account_address = OLD.account_address;
        END;
        """
)
