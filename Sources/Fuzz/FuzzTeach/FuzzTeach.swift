import FuzzSupport

// libFuzzer target: see HarnessTeach (Sources/Fuzz/Support) for what is checked.

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    HarnessTeach.run(fuzzBytes(data, size))
    return 0
}

@_cdecl("FuzzTeach_main")
public func fuzzTargetMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
    fuzzMain(argc, argv, testOneInput)
}
