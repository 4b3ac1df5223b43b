extension String {
    /// The UTF-8 bytes of the string, for test messages written as text.
    var utf8Bytes: [UInt8] { Array(utf8) }
}

/// The official BLAKE3 test-vector input: byte `i` is `i % 251`.
func blake3OfficialInput(length: Int) -> [UInt8] {
    (0..<length).map { UInt8($0 % 251) }
}
