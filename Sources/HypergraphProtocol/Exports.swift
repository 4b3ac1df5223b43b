// The protocol's types are generated code on top of the codec runtime; re-exporting it keeps `Bytes`, `Timestamp`,
// `WireCodable` and the decoding options visible to every `import HypergraphProtocol`.
@_exported import HypergraphCodec
