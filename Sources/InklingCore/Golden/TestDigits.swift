import Foundation

/// Swift's digit for every test image, for the whole-set agreement test in node
/// (`Tests/js/agreement.test.js`): the node side reads the same IDX files named here and
/// must give the same digit for each image, as the model reads it (bytes / 255) and after
/// preprocessing, and bit-identical preprocessed inputs (FNV-1a of each image's 784 Float32
/// values, little-endian bytes).
public enum TestDigits {
    public static func make(classifier: Classifier, test: Dataset, imagesFile: String, labelsFile: String,
                            modelSHA256: String) -> Data {
        let n = test.count, pixels = test.pixelsPerImage
        var raw = [Float](repeating: 0, count: n * pixels)
        for i in 0..<raw.count { raw[i] = Float(test.images[i]) / 255 }
        let rawDigits = classifier.predict(batch: raw, count: n).map(\.digit)
        var pre = [Float](repeating: 0, count: n * pixels)
        var blank = [Int]()
        var hashes = [UInt32](repeating: 0, count: n)
        for k in 0..<n {
            let grey = Array(test.images[(k * pixels)..<((k + 1) * pixels)])
            let p = Preprocessor.preprocess(RGBAImage(width: test.cols, height: test.rows, grey: grey))
            if p.blank { blank.append(k) }
            for i in 0..<pixels { pre[k * pixels + i] = p.input[i] }
            hashes[k] = fnv1a(p.input)
        }
        let preDigits = classifier.predict(batch: pre, count: n).map(\.digit)
        let correct = zip(rawDigits, test.labels).filter { $0 == Int($1) }.count
        let correctPre = zip(preDigits, test.labels).filter { $0 == Int($1) }.count
        let object: [String: Any] = [
            "format": "inkling-test-digits", "model_sha256": modelSHA256, "count": n,
            "images": imagesFile, "labels": labelsFile,
            "accuracy": Double(correct) / Double(max(n, 1)), "accuracy_preprocessed": Double(correctPre) / Double(max(n, 1)),
            "raw": rawDigits, "preprocessed": preDigits, "preprocessed_blank": blank, "preprocessed_fnv1a": hashes,
        ]
        var data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        data.append(0x0A)
        return data
    }

    /// FNV-1a (32-bit) over the little-endian bytes of the Float32 values.
    public static func fnv1a(_ values: [Float]) -> UInt32 {
        var h: UInt32 = 0x811c9dc5
        for v in values {
            let b = v.bitPattern
            for s in stride(from: 0, to: 32, by: 8) { h = (h ^ ((b >> UInt32(s)) & 0xFF)) &* 0x01000193 }
        }
        return h
    }
}
