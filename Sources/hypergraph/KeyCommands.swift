// `hypergraph key generate`: a new secp256k1 signing key in the protocol's text forms.
import HypergraphCommandLine
import HypergraphCrypto
import HypergraphJSON
import HypergraphSigning

/// The commands that manage signing keys.
enum KeyCommands {
    /// `hypergraph key generate`.
    static let generate = Command(
        name: "generate",
        abstract: "Create a new secp256k1 signing key.",
        discussion: """
            Prints {"privateKey":"0x…","publicKey":"0x…"}: a private key from the system's secure random number \
            generator as 0x + 64 hex digits (the form --key takes), and its compressed public key as 0x + 66 hex \
            digits, the signaturePublicKey form identities register (PROTOCOL.md §7.3). Keep the private key secret.
            """
    ) { _ in
        let key = Secp256k1.PrivateKey.random()
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("privateKey")
        writer.string(key.hex)
        writer.key("publicKey")
        writer.string(key.publicKey.signaturePublicKeyHex)
        writer.endObject()
        writeStandardOutput(String(decoding: writer.bytes, as: UTF8.self) + "\n")
        return ExitStatus.success
    }
}
