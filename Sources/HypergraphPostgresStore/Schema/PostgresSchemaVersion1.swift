/// The first PostgreSQL schema: the tables of the SQLite schema version 1 (docs/storage.md) with the same keys and
/// unique constraints, translated to PostgreSQL types.
///
/// Differences from SQLite, each for a reason:
/// - `spaces.next_clock` holds the next update clock. `appendUpdate` increments it in the insert's statement, so the
///   row lock on the space serialises a space's appends across every node and a rolled-back insert gives its clock
///   back (§12 G8: gap-free, serial clocks).
/// - `spaces.stored_bytes` and `account_update_bytes` keep running totals of update bytes, so the quotas are checked
///   inside the append's statement without summing a space's history.
/// - `seq` identity columns give "insertion order" where SQLite uses its implicit `rowid`.
/// - Every unique constraint has an explicit name, so a unique violation (SQLSTATE 23505) names the constraint and
///   maps to the precise `StoreConflict` (see `PostgresConflicts`).
/// - The indexes SQLite's schema version 2 adds for quotas and inbox replay are part of this first version.
/// - Times stay BIGINT milliseconds (the store's `UnixMilliseconds`), so both backends store identical values.
let postgresSchemaVersion1 = PostgresMigration(
    version: 1,
    summary: "create the identity, space, event, key, invitation, update and inbox tables",
    script: """
        CREATE TABLE identities (
            app_identity_address     TEXT NOT NULL,
            account_address          TEXT NOT NULL,
            app_id                   TEXT NOT NULL,
            signature_public_key     TEXT NOT NULL,
            encryption_public_key    TEXT NOT NULL,
            account_proof            TEXT,
            key_proof                TEXT,
            session_token            TEXT NOT NULL,
            session_token_expires_at BIGINT NOT NULL,
            created_at               BIGINT NOT NULL,
            seq                      BIGINT GENERATED ALWAYS AS IDENTITY,
            CONSTRAINT identities_address_key PRIMARY KEY (app_identity_address),
            CONSTRAINT identities_session_token_key UNIQUE (session_token),
            CONSTRAINT identities_app_key UNIQUE (account_address, app_id),
            CONSTRAINT identities_signature_key UNIQUE (account_address, signature_public_key)
        );

        CREATE TABLE spaces (
            id         TEXT NOT NULL,
            name       TEXT NOT NULL,
            next_clock BIGINT NOT NULL DEFAULT 0,
            stored_bytes BIGINT NOT NULL DEFAULT 0,
            created_at BIGINT NOT NULL,
            CONSTRAINT spaces_id_key PRIMARY KEY (id)
        );

        CREATE TABLE space_members (
            space_id        TEXT NOT NULL REFERENCES spaces (id),
            account_address TEXT NOT NULL,
            joined_at       BIGINT NOT NULL,
            CONSTRAINT space_members_key PRIMARY KEY (space_id, account_address)
        );
        CREATE INDEX space_members_by_account ON space_members (account_address, space_id);

        CREATE TABLE space_app_identities (
            space_id             TEXT NOT NULL REFERENCES spaces (id),
            app_identity_address TEXT NOT NULL REFERENCES identities (app_identity_address),
            linked_at            BIGINT NOT NULL,
            CONSTRAINT space_app_identities_key PRIMARY KEY (space_id, app_identity_address)
        );
        CREATE INDEX space_app_identities_by_identity ON space_app_identities (app_identity_address, space_id);

        CREATE TABLE space_events (
            space_id        TEXT NOT NULL REFERENCES spaces (id),
            counter         BIGINT NOT NULL CHECK (counter >= 0),
            id              TEXT NOT NULL,
            event_json      TEXT NOT NULL,
            state_json      TEXT NOT NULL,
            last_event_hash TEXT NOT NULL,
            created_at      BIGINT NOT NULL,
            CONSTRAINT space_events_counter_key PRIMARY KEY (space_id, counter),
            CONSTRAINT space_events_id_key UNIQUE (space_id, id)
        );

        CREATE TABLE space_keys (
            space_id   TEXT NOT NULL REFERENCES spaces (id),
            id         TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            seq        BIGINT GENERATED ALWAYS AS IDENTITY,
            CONSTRAINT space_keys_key PRIMARY KEY (space_id, id)
        );

        CREATE TABLE space_key_boxes (
            space_id             TEXT NOT NULL,
            key_id               TEXT NOT NULL,
            account_address      TEXT NOT NULL,
            app_identity_address TEXT REFERENCES identities (app_identity_address),
            ciphertext           TEXT NOT NULL,
            nonce                TEXT NOT NULL,
            author_public_key    TEXT NOT NULL,
            created_at           BIGINT NOT NULL,
            FOREIGN KEY (space_id, key_id) REFERENCES space_keys (space_id, id)
        );
        CREATE UNIQUE INDEX space_key_boxes_recipient_key
            ON space_key_boxes (space_id, account_address, coalesce(app_identity_address, ''), key_id);

        CREATE TABLE invitations (
            space_id                TEXT NOT NULL REFERENCES spaces (id),
            id                      TEXT NOT NULL,
            inviter_account_address TEXT NOT NULL,
            invitee_account_address TEXT NOT NULL,
            created_at              BIGINT NOT NULL,
            seq                     BIGINT GENERATED ALWAYS AS IDENTITY,
            CONSTRAINT invitations_key PRIMARY KEY (space_id, id),
            CONSTRAINT invitations_invitee_key UNIQUE (space_id, invitee_account_address)
        );
        CREATE INDEX invitations_by_invitee ON invitations (invitee_account_address);

        CREATE TABLE updates (
            space_id           TEXT NOT NULL REFERENCES spaces (id),
            clock              BIGINT NOT NULL CHECK (clock >= 0),
            update_id          TEXT NOT NULL,
            account_address    TEXT NOT NULL,
            content            BYTEA NOT NULL,
            signature_hex      TEXT NOT NULL,
            signature_recovery INTEGER NOT NULL,
            created_at         BIGINT NOT NULL,
            CONSTRAINT updates_clock_key PRIMARY KEY (space_id, clock),
            CONSTRAINT updates_update_id_key UNIQUE (space_id, update_id)
        );
        CREATE INDEX updates_by_account ON updates (account_address);

        -- Running totals of update content bytes per account, for the account quota (the space's total is
        -- spaces.stored_bytes); both are kept by the append's own statement.
        CREATE TABLE account_update_bytes (
            account_address TEXT NOT NULL,
            bytes           BIGINT NOT NULL,
            CONSTRAINT account_update_bytes_key PRIMARY KEY (account_address)
        );

        CREATE TABLE space_inboxes (
            space_id              TEXT NOT NULL REFERENCES spaces (id),
            id                    TEXT NOT NULL,
            is_public             BOOLEAN NOT NULL,
            auth_policy           TEXT NOT NULL,
            encryption_public_key TEXT NOT NULL,
            encrypted_secret_key  TEXT NOT NULL,
            creation_event_id     TEXT NOT NULL,
            created_at            BIGINT NOT NULL,
            seq                   BIGINT GENERATED ALWAYS AS IDENTITY,
            CONSTRAINT space_inboxes_key PRIMARY KEY (space_id, id),
            FOREIGN KEY (space_id, creation_event_id) REFERENCES space_events (space_id, id)
        );

        CREATE TABLE account_inboxes (
            account_address       TEXT NOT NULL,
            id                    TEXT NOT NULL,
            is_public             BOOLEAN NOT NULL,
            auth_policy           TEXT NOT NULL,
            encryption_public_key TEXT NOT NULL,
            signature_hex         TEXT NOT NULL,
            signature_recovery    INTEGER NOT NULL,
            created_at            BIGINT NOT NULL,
            seq                   BIGINT GENERATED ALWAYS AS IDENTITY,
            CONSTRAINT account_inboxes_key PRIMARY KEY (account_address, id)
        );

        CREATE TABLE space_inbox_messages (
            id                     TEXT NOT NULL,
            space_id               TEXT NOT NULL,
            inbox_id               TEXT NOT NULL,
            ciphertext             TEXT NOT NULL,
            signature_hex          TEXT,
            signature_recovery     INTEGER,
            author_account_address TEXT,
            created_at             BIGINT NOT NULL,
            seq                    BIGINT GENERATED ALWAYS AS IDENTITY,
            CONSTRAINT space_inbox_messages_id_key UNIQUE (id),
            FOREIGN KEY (space_id, inbox_id) REFERENCES space_inboxes (space_id, id)
        );
        CREATE INDEX space_inbox_messages_by_time ON space_inbox_messages (space_id, inbox_id, created_at, seq);
        CREATE INDEX space_inbox_messages_by_signature
            ON space_inbox_messages (space_id, inbox_id, signature_hex) WHERE signature_hex IS NOT NULL;

        CREATE TABLE account_inbox_messages (
            id                     TEXT NOT NULL,
            account_address        TEXT NOT NULL,
            inbox_id               TEXT NOT NULL,
            ciphertext             TEXT NOT NULL,
            signature_hex          TEXT,
            signature_recovery     INTEGER,
            author_account_address TEXT,
            created_at             BIGINT NOT NULL,
            seq                    BIGINT GENERATED ALWAYS AS IDENTITY,
            CONSTRAINT account_inbox_messages_id_key UNIQUE (id),
            FOREIGN KEY (account_address, inbox_id) REFERENCES account_inboxes (account_address, id)
        );
        CREATE INDEX account_inbox_messages_by_time
            ON account_inbox_messages (account_address, inbox_id, created_at, seq);
        CREATE INDEX account_inbox_messages_by_signature
            ON account_inbox_messages (account_address, inbox_id, signature_hex) WHERE signature_hex IS NOT NULL;
        """
)
