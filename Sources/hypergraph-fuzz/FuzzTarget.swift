// libFuzzer entry point: every input is fed to the strict parser. Inputs must never crash, hang or trap; a
// rejected document is an expected outcome. Built and run by scripts/fuzz.sh.
import HypergraphJSON

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : size)
    FuzzChecks.run(bytes)
    return 0
}
