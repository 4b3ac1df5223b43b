/// Indexes for the bounds of issue 15: per-account update bytes (the account quota sums them) and signed inbox
/// messages (a signature is stored once per inbox). Indexes only, so existing data is kept as it is.
let schemaVersion2 = Migration(
    version: 2,
    summary: "index updates by account and inbox messages by signature",
    script: """
        CREATE INDEX updates_by_account ON updates (account_address);
        CREATE INDEX space_inbox_messages_by_signature
            ON space_inbox_messages (space_id, inbox_id, signature_hex) WHERE signature_hex IS NOT NULL;
        CREATE INDEX account_inbox_messages_by_signature
            ON account_inbox_messages (account_address, inbox_id, signature_hex) WHERE signature_hex IS NOT NULL;
        """
)
