import Foundation

/// A harness: runs one input through a loader and checks what came out. A finding (a
/// property that does not hold) calls `finding`, which aborts: libFuzzer records the input.
public typealias FuzzCallback = @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32

/// The bytes libFuzzer hands over, copied (harnesses take `[UInt8]` or `Data`).
public func fuzzBytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
    guard let data, size > 0 else { return [] }
    return Array(UnsafeBufferPointer(start: data, count: size))
}

/// A property the harness checks does not hold: print why and abort, so libFuzzer (or the
/// replay tool) stops with the input that did it.
public func finding(_ message: @autoclosure () -> String) -> Never {
    fputs("FUZZ FINDING: \(message())\n", stderr)
    abort()
}

#if FUZZING
// libFuzzer's entry point for a program that has its own main (SwiftPM renames an
// executable's main to `<target>_main`, so libFuzzer's main is never linked; see
// shared docs/fuzzing.md). Only linked with -sanitize=fuzzer, hence only under -DFUZZING.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<Int32>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: FuzzCallback) -> Int32
#endif

/// The body of every fuzz target's `<target>_main`.
///
/// Fuzz build (`-Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING`): libFuzzer, with its
/// usual command line. Plain build: a replay tool, `FuzzX FILE_OR_DIR...` runs every file
/// through the harness once (reproduce a crash without the sanitizers, or check a corpus).
public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>,
                     _ callback: FuzzCallback) -> Int32 {
    #if FUZZING
    var argc = argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
    return LLVMFuzzerRunDriver(&argc, &argv, callback)
    #else
    let args = (1..<Int(argc)).map { String(cString: argv[$0]!) }
    if args.isEmpty || args.contains(where: { $0.hasPrefix("-") }) {
        let me = (String(cString: argv[0]!) as NSString).lastPathComponent
        fputs("usage: \(me) FILE_OR_DIR...   (replays inputs through the harness; this build has no\n"
              + "       libFuzzer: build with scripts/fuzz.sh to fuzz)\n", stderr)
        return 2
    }
    var count = 0
    for path in inputFiles(args) {
        guard let data = FileManager.default.contents(atPath: path) else {
            fputs("error: \(path): cannot read the file\n", stderr)
            return 1
        }
        fputs("replay \(path)\n", stderr)
        _ = data.withUnsafeBytes { raw in
            callback(raw.bindMemory(to: UInt8.self).baseAddress, raw.count)
        }
        count += 1
    }
    print("replayed \(count) input(s) without a finding")
    return 0
    #endif
}

/// Every regular file named, or found (sorted, not recursive) in a folder named.
public func inputFiles(_ paths: [String]) -> [String] {
    paths.flatMap { path -> [String] in
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            return [path]
        }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.sorted().filter { !$0.hasPrefix(".") }.map { (path as NSString).appendingPathComponent($0) }
    }
}
