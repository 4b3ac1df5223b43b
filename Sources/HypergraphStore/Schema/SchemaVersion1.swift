/// The first schema: every table of PROTOCOL.md §9 with the §12 fixes (see docs/storage.md for the reasoning).
///
/// Conventions: ids and addresses are TEXT compared exactly (§12 G24); times are INTEGER milliseconds since
/// 1970-01-01 UTC; event and state JSON are opaque TEXT; tables are STRICT so a wrongly typed value is an error.
/// Client-chosen ids are unique per space or per account, not globally, so nobody can pre-claim another user's id
/// (§12 G27). Space ids are necessarily global.
let schemaVersion1 = Migration(
    version: 1,
    summary: "create the identity, space, event, key, invitation, update and inbox tables",
    script: """
        -- App identities (§9.7). The private signature key is never stored. session_token is unique (§12 G18).
        CREATE TABLE identities (
            app_identity_address     TEXT NOT NULL PRIMARY KEY,
            account_address          TEXT NOT NULL,
            app_id                   TEXT NOT NULL,
            signature_public_key     TEXT NOT NULL,
            encryption_public_key    TEXT NOT NULL,
            account_proof            TEXT,
            key_proof                TEXT,
            session_token            TEXT NOT NULL UNIQUE,
            session_token_expires_at INTEGER NOT NULL,
            created_at               INTEGER NOT NULL,
            UNIQUE (account_address, app_id),
            UNIQUE (account_address, signature_public_key)
        ) STRICT;

        CREATE TABLE spaces (
            id         TEXT NOT NULL PRIMARY KEY,
            name       TEXT NOT NULL,
            created_at INTEGER NOT NULL
        ) STRICT;

        -- Accounts that are members (§9.1 Space.members). Accounts have no table of their own: an invitee need not
        -- have an identity yet, and the Connect identities of the original server do not exist here.
        CREATE TABLE space_members (
            space_id        TEXT NOT NULL REFERENCES spaces (id),
            account_address TEXT NOT NULL,
            joined_at       INTEGER NOT NULL,
            PRIMARY KEY (space_id, account_address)
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX space_members_by_account ON space_members (account_address, space_id);

        -- App identities that may use a space (§9.1 Space.appIdentities): the creator's (§12 G1) and each accepting
        -- invitee's (§12 G2).
        CREATE TABLE space_app_identities (
            space_id             TEXT NOT NULL REFERENCES spaces (id),
            app_identity_address TEXT NOT NULL REFERENCES identities (app_identity_address),
            linked_at            INTEGER NOT NULL,
            PRIMARY KEY (space_id, app_identity_address)
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX space_app_identities_by_identity ON space_app_identities (app_identity_address, space_id);

        -- The event chain (§9.2). (space_id, counter) is the optimistic-concurrency guard; state_json is the state
        -- after the event and last_event_hash its lastEventHash, kept apart so invitations can be listed without
        -- parsing JSON.
        CREATE TABLE space_events (
            space_id        TEXT NOT NULL REFERENCES spaces (id),
            counter         INTEGER NOT NULL CHECK (counter >= 0),
            id              TEXT NOT NULL,
            event_json      TEXT NOT NULL,
            state_json      TEXT NOT NULL,
            last_event_hash TEXT NOT NULL,
            created_at      INTEGER NOT NULL,
            PRIMARY KEY (space_id, counter),
            UNIQUE (space_id, id)
        ) STRICT;

        CREATE TABLE space_keys (
            space_id   TEXT NOT NULL REFERENCES spaces (id),
            id         TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            PRIMARY KEY (space_id, id)
        ) STRICT;

        -- One key encrypted to one recipient. app_identity_address records which app identity's encryption key the
        -- box is encrypted to (§12 G1); NULL when the recipient had no app identity for the inviter's app.
        CREATE TABLE space_key_boxes (
            space_id             TEXT NOT NULL,
            key_id               TEXT NOT NULL,
            account_address      TEXT NOT NULL,
            app_identity_address TEXT REFERENCES identities (app_identity_address),
            ciphertext           TEXT NOT NULL,
            nonce                TEXT NOT NULL,
            author_public_key    TEXT NOT NULL,
            created_at           INTEGER NOT NULL,
            FOREIGN KEY (space_id, key_id) REFERENCES space_keys (space_id, id)
        ) STRICT;
        CREATE UNIQUE INDEX space_key_boxes_by_recipient
            ON space_key_boxes (space_id, account_address, coalesce(app_identity_address, ''), key_id);

        -- Pending invitations (§9.4); the id is the create-invitation event id. Deleted on acceptance.
        CREATE TABLE invitations (
            space_id                TEXT NOT NULL REFERENCES spaces (id),
            id                      TEXT NOT NULL,
            inviter_account_address TEXT NOT NULL,
            invitee_account_address TEXT NOT NULL,
            created_at              INTEGER NOT NULL,
            PRIMARY KEY (space_id, id),
            UNIQUE (space_id, invitee_account_address)
        ) STRICT;
        CREATE INDEX invitations_by_invitee ON invitations (invitee_account_address);

        -- Updates (§9.5): clocks 0, 1, 2, … per space without gaps; update_id unique per space (§12 G9).
        CREATE TABLE updates (
            space_id           TEXT NOT NULL REFERENCES spaces (id),
            clock              INTEGER NOT NULL CHECK (clock >= 0),
            update_id          TEXT NOT NULL,
            account_address    TEXT NOT NULL,
            content            BLOB NOT NULL,
            signature_hex      TEXT NOT NULL,
            signature_recovery INTEGER NOT NULL,
            created_at         INTEGER NOT NULL,
            PRIMARY KEY (space_id, clock),
            UNIQUE (space_id, update_id)
        ) STRICT;

        -- Space inboxes (§9.6), created by create-space-inbox events; creation_event_id is that event.
        CREATE TABLE space_inboxes (
            space_id              TEXT NOT NULL REFERENCES spaces (id),
            id                    TEXT NOT NULL,
            is_public             INTEGER NOT NULL CHECK (is_public IN (0, 1)),
            auth_policy           TEXT NOT NULL,
            encryption_public_key TEXT NOT NULL,
            encrypted_secret_key  TEXT NOT NULL,
            creation_event_id     TEXT NOT NULL,
            created_at            INTEGER NOT NULL,
            PRIMARY KEY (space_id, id),
            FOREIGN KEY (space_id, creation_event_id) REFERENCES space_events (space_id, id)
        ) STRICT;

        CREATE TABLE account_inboxes (
            account_address       TEXT NOT NULL,
            id                    TEXT NOT NULL,
            is_public             INTEGER NOT NULL CHECK (is_public IN (0, 1)),
            auth_policy           TEXT NOT NULL,
            encryption_public_key TEXT NOT NULL,
            signature_hex         TEXT NOT NULL,
            signature_recovery    INTEGER NOT NULL,
            created_at            INTEGER NOT NULL,
            PRIMARY KEY (account_address, id)
        ) STRICT;

        -- Inbox messages: ids are UUID v4 (space) and v7 (account), generated by the store; listed by created_at,
        -- then insertion order (rowid).
        CREATE TABLE space_inbox_messages (
            id                     TEXT NOT NULL UNIQUE,
            space_id               TEXT NOT NULL,
            inbox_id               TEXT NOT NULL,
            ciphertext             TEXT NOT NULL,
            signature_hex          TEXT,
            signature_recovery     INTEGER,
            author_account_address TEXT,
            created_at             INTEGER NOT NULL,
            FOREIGN KEY (space_id, inbox_id) REFERENCES space_inboxes (space_id, id)
        ) STRICT;
        CREATE INDEX space_inbox_messages_by_time ON space_inbox_messages (space_id, inbox_id, created_at);

        CREATE TABLE account_inbox_messages (
            id                     TEXT NOT NULL UNIQUE,
            account_address        TEXT NOT NULL,
            inbox_id               TEXT NOT NULL,
            ciphertext             TEXT NOT NULL,
            signature_hex          TEXT,
            signature_recovery     INTEGER,
            author_account_address TEXT,
            created_at             INTEGER NOT NULL,
            FOREIGN KEY (account_address, inbox_id) REFERENCES account_inboxes (account_address, id)
        ) STRICT;
        CREATE INDEX account_inbox_messages_by_time
            ON account_inbox_messages (account_address, inbox_id, created_at);
        """
)
