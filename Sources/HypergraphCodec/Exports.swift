// `WireCodable`'s requirements are written in HypergraphJSON's reader, writer, path and error types, so every user
// of the codec needs them: importing HypergraphCodec imports HypergraphJSON too.
@_exported import HypergraphJSON
