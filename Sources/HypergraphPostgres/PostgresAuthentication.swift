// Password authentication: the MD5 answer and SCRAM-SHA-256 (RFC 5802, RFC 7677) without channel binding.
// Value types used on a connection's event loop thread during startup.
import Foundation
import HypergraphCrypto

/// The answer to AuthenticationMD5Password: `"md5" + md5hex(md5hex(password + user) + salt)`.
func md5PasswordAnswer(user: String, password: String, salt: UnsafeRawBufferPointer) -> String {
    let inner = Hex.encode(MD5.hash(Array(password.utf8) + Array(user.utf8)))
    return "md5" + Hex.encode(MD5.hash(Array(inner.utf8) + Array(salt)))
}

/// The client side of one SCRAM-SHA-256 exchange. PostgreSQL ignores the SCRAM user name (it uses the startup
/// user), so the client-first message carries an empty one by default, as libpq's does. Channel binding is `n,,` (the
/// client does not support it: there is no TLS to bind to). `package` so tests can replay RFC 7677's example.
package struct SCRAMClient {
    static let mechanism = "SCRAM-SHA-256"
    /// The most iterations accepted from a server, bounding the work a hostile server can demand.
    static let maximumIterations = 10_000_000

    private let password: [UInt8]
    private let clientNonce: String
    private let clientFirstBare: String
    /// The expected server signature, once the client-final message is built.
    private var expectedServerSignature: [UInt8]?

    /// `user` must not contain `,` or `=` (RFC 5802 would escape them; PostgreSQL sends none).
    package init(
        user: String = "", password: String, nonce: String = Data(SecureRandom.bytes(18)).base64EncodedString()
    ) {
        self.password = Array(SASLprep.prepare(password).utf8)
        clientNonce = nonce
        clientFirstBare = "n=\(user),r=\(nonce)"
    }

    /// The client-first message (the SASLInitialResponse data).
    package var clientFirstMessage: [UInt8] { Array(("n,," + clientFirstBare).utf8) }

    /// Answers the server-first message (AuthenticationSASLContinue) with the client-final message.
    package mutating func clientFinalMessage(serverFirst data: UnsafeRawBufferPointer) throws(PostgresError) -> [UInt8]
    {
        let serverFirst = String(decoding: data, as: UTF8.self)
        let attributes = Self.attributes(serverFirst)
        guard let nonce = attributes["r"], let saltText = attributes["s"], let iterationText = attributes["i"] else {
            throw .protocolViolation(
                "the SCRAM server-first message lacks r, s or i: \(String(reflecting: serverFirst))")
        }
        guard nonce.hasPrefix(clientNonce), nonce.count > clientNonce.count else {
            throw .authenticationFailed("the SCRAM server nonce does not extend the client nonce")
        }
        guard let salt = Data(base64Encoded: saltText), let iterations = Int(iterationText),
            (1...Self.maximumIterations).contains(iterations)
        else {
            throw .protocolViolation("the SCRAM salt or iteration count is invalid: \(String(reflecting: serverFirst))")
        }
        let saltedPassword = Self.pbkdf2(password: password, salt: Array(salt), iterations: iterations)
        let clientKey = HMACSHA256.authenticationCode(key: saltedPassword, message: Array("Client Key".utf8))
        let storedKey = SHA256.hash(clientKey)
        let withoutProof = "c=biws,r=\(nonce)" // biws = base64("n,,")
        let authMessage = Array("\(clientFirstBare),\(serverFirst),\(withoutProof)".utf8)
        let clientSignature = HMACSHA256.authenticationCode(key: storedKey, message: authMessage)
        let proof = zip(clientKey, clientSignature).map { $0 ^ $1 }
        let serverKey = HMACSHA256.authenticationCode(key: saltedPassword, message: Array("Server Key".utf8))
        expectedServerSignature = HMACSHA256.authenticationCode(key: serverKey, message: authMessage)
        return Array("\(withoutProof),p=\(Data(proof).base64EncodedString())".utf8)
    }

    /// Checks the server-final message (AuthenticationSASLFinal): the server proves it knows the password too.
    package func verify(serverFinal data: UnsafeRawBufferPointer) throws(PostgresError) {
        let attributes = Self.attributes(String(decoding: data, as: UTF8.self))
        if let error = attributes["e"] { throw .authenticationFailed("the SCRAM server reported \(error)") }
        guard let expectedServerSignature, let signature = attributes["v"].flatMap({ Data(base64Encoded: $0) }),
            Array(signature) == expectedServerSignature
        else {
            throw .authenticationFailed(
                "the SCRAM server signature does not match: the server does not know the password")
        }
    }

    /// PBKDF2-HMAC-SHA-256 with a 32-byte output (one block, RFC 8018 §5.2).
    static func pbkdf2(password: [UInt8], salt: [UInt8], iterations: Int) -> [UInt8] {
        let keyed = HMACSHA256(key: password)
        var first = keyed
        first.update(salt + [0, 0, 0, 1])
        var block = first.finalize()
        var result = block
        for _ in 1..<iterations {
            var next = keyed
            next.update(block)
            block = next.finalize()
            for index in result.indices { result[index] ^= block[index] }
        }
        return result
    }

    /// `key=value` attributes separated by commas (values may contain `=`).
    private static func attributes(_ message: String) -> [String: String] {
        var result: [String: String] = [:]
        for part in message.split(separator: ",") where part.count >= 2 && part.dropFirst().first == "=" {
            result[String(part.prefix(1))] = String(part.dropFirst(2))
        }
        return result
    }
}

/// SASLprep (RFC 4013) as PostgreSQL applies it to SCRAM passwords: non-ASCII spaces become spaces, characters
/// "commonly mapped to nothing" are removed, the result is NFKC-normalized; a password containing prohibited
/// characters is used unchanged, as the server does. Not checked: the bidirectional-text rule and unassigned code
/// points (such passwords are normalized anyway, which may differ from the server for exotic scripts).
enum SASLprep {
    static func prepare(_ password: String) -> String {
        if password.utf8.allSatisfy({ (0x20...0x7e).contains($0) }) { return password } // printable ASCII: unchanged
        var mapped = String.UnicodeScalarView()
        for scalar in password.unicodeScalars {
            if isMappedToNothing(scalar.value) { continue }
            mapped.append(isNonASCIISpace(scalar.value) ? " " : scalar)
        }
        let normalized = String(mapped).precomposedStringWithCompatibilityMapping
        if normalized.unicodeScalars.contains(where: { isProhibited($0.value) }) { return password }
        return normalized
    }

    /// RFC 3454 table B.1.
    private static func isMappedToNothing(_ value: UInt32) -> Bool {
        [0x00AD, 0x034F, 0x1806, 0x180B, 0x180C, 0x180D, 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF].contains(value)
            || (0xFE00...0xFE0F).contains(value)
    }

    /// RFC 3454 table C.1.2.
    private static func isNonASCIISpace(_ value: UInt32) -> Bool {
        [0x00A0, 0x1680, 0x202F, 0x205F, 0x3000].contains(value) || (0x2000...0x200B).contains(value)
    }

    /// RFC 3454 tables C.2 (controls), C.3 (private use), C.4 (non-characters), C.5–C.9.
    private static func isProhibited(_ value: UInt32) -> Bool {
        value < 0x20 || (0x7F...0x9F).contains(value) || (0xE000...0xF8FF).contains(value)
            || (0xF0000...0x10FFFF).contains(value) || (0xFDD0...0xFDEF).contains(value) || value & 0xFFFE == 0xFFFE
            || (0xD800...0xDFFF).contains(value) || (0xFFF9...0xFFFD).contains(value)
            || (0x2FF0...0x2FFB).contains(value)
            || (0x200E...0x200F).contains(value) || (0x202A...0x202E).contains(value)
            || (0x206A...0x206F).contains(value)
            || value == 0x0340 || value == 0x0341 || value == 0xE0001 || (0xE0020...0xE007F).contains(value)
            || [0x06DD, 0x070F, 0x180E, 0x2028, 0x2029, 0x2061, 0x2062, 0x2063, 0x1D173].contains(value)
    }
}
