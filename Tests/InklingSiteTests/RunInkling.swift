import Foundation
import XCTest

/// The repository (for weights/ and templates/), from this file's place in it.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Runs the release `inkling` binary beside the test bundle, as a user would, in `dir`:
/// its exit status and output. A crash (ended by a signal) fails the calling test.
func runInkling(_ arguments: [String], in dir: URL, file: StaticString = #filePath, line: UInt = #line) throws
    -> (status: Int32, stdout: String, stderr: String) {
    let bin = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        .deletingLastPathComponent().appendingPathComponent("inkling")
    guard FileManager.default.isExecutableFile(atPath: bin.path) else {
        XCTFail("\(bin.path) is missing: build it first (swift build -c release)", file: file, line: line)
        return (-1, "", "")
    }
    let process = Process()
    process.executableURL = bin
    process.currentDirectoryURL = dir
    process.arguments = arguments
    let (out, err) = (Pipe(), Pipe())
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    XCTAssertEqual(process.terminationReason, .exit, "\(arguments): ended by a signal", file: file, line: line)
    return (process.terminationStatus, stdout, stderr)
}
