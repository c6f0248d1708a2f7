import Foundation

/// Temperature scaling (Guo et al. 2017): one scalar T, fitted by minimising the negative
/// log-likelihood of held-out labels under softmax(logits / T). It changes confidence, never
/// the predicted digit.
public enum TemperatureFit {
    /// Mean negative log-likelihood of `labels` under softmax(logits / t). logits: [N][10].
    public static func nll(logits: [Float], labels: [UInt8], temperature t: Float) -> Double {
        let n = labels.count
        var total = 0.0
        for i in 0..<n {
            let row = Array(logits[(i * 10)..<(i * 10 + 10)])
            let p = softmax(row, temperature: t)
            total -= Foundation.log(max(Double(p[Int(labels[i])]), 1e-300))
        }
        return total / Double(max(1, n))
    }

    /// Expected calibration error with `bins` equal-width confidence bins:
    /// sum_b (|b| / N) * |accuracy(b) - mean confidence(b)|.
    public static func ece(logits: [Float], labels: [UInt8], temperature t: Float, bins: Int = 15) -> Double {
        var count = [Int](repeating: 0, count: bins), correct = [Int](repeating: 0, count: bins)
        var confidence = [Double](repeating: 0, count: bins)
        for i in 0..<labels.count {
            let p = softmax(Array(logits[(i * 10)..<(i * 10 + 10)]), temperature: t)
            var best = 0
            for j in 1..<10 where p[j] > p[best] { best = j }
            let b = min(bins - 1, Int(Double(p[best]) * Double(bins)))
            count[b] += 1; confidence[b] += Double(p[best])
            if best == Int(labels[i]) { correct[b] += 1 }
        }
        var e = 0.0
        for b in 0..<bins where count[b] > 0 {
            e += Double(count[b]) / Double(labels.count) * abs(Double(correct[b]) / Double(count[b]) - confidence[b] / Double(count[b]))
        }
        return e
    }

    /// Golden-section search for the NLL-minimising T over log T in [log 0.05, log 20]
    /// (NLL is unimodal in T for a fixed set of logits).
    public static func fit(logits: [Float], labels: [UInt8]) -> Float {
        var lo = Foundation.log(0.05), hi = Foundation.log(20.0)
        let phi = (5.0.squareRoot() - 1) / 2
        func f(_ x: Double) -> Double { nll(logits: logits, labels: labels, temperature: Float(Foundation.exp(x))) }
        var a = hi - phi * (hi - lo), b = lo + phi * (hi - lo)
        var fa = f(a), fb = f(b)
        for _ in 0..<40 {
            if fa < fb { hi = b; b = a; fb = fa; a = hi - phi * (hi - lo); fa = f(a) }
            else { lo = a; a = b; fa = fb; b = lo + phi * (hi - lo); fb = f(b) }
        }
        // Round to 4 decimals: the file stays readable and the value stays exact in JSON.
        return (Float(Foundation.exp((lo + hi) / 2)) * 10_000).rounded() / 10_000
    }

    /// Fits T on `holdout` and returns the calibration block for the model file.
    public static func calibrate(_ classifier: Classifier, holdout: Dataset, description: String, unsureBelow: Float) -> Calibration {
        let inputs = holdout.images.map { Float($0) / 255 }
        let logits = classifier.logits(batch: inputs, count: holdout.count)
        let t = fit(logits: logits, labels: holdout.labels)
        func r(_ x: Double) -> Float { Float((x * 1e6).rounded() / 1e6) }
        return Calibration(temperature: t, unsureBelow: unsureBelow, fittedOn: description,
                           eceBefore: r(ece(logits: logits, labels: holdout.labels, temperature: 1)),
                           eceAfter: r(ece(logits: logits, labels: holdout.labels, temperature: t)),
                           nllBefore: r(nll(logits: logits, labels: holdout.labels, temperature: 1)),
                           nllAfter: r(nll(logits: logits, labels: holdout.labels, temperature: t)))
    }
}
